import { Link } from 'wouter';
import { useApplication } from '../../api/applications.ts';
import { CopyButton } from '../../components/copy-button.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { QueryState } from '../../components/query-state.tsx';
import { Timestamp } from '../../components/timestamp.tsx';
import { useRealmName } from '../realm-context.tsx';
import { ApplicationBadges } from './application-badges.tsx';
import { ApplicationRolesPanel } from './application-roles-panel.tsx';
import { ApplicationSettingsForm } from './application-settings-form.tsx';
import { hasSecret, isBuiltIn, TYPE_DESCRIPTIONS, TYPE_LABELS } from './client-settings.tsx';
import { DeleteApplication } from './delete-application.tsx';
import { RotateSecretPanel } from './rotate-secret-panel.tsx';

/** `/realms/:realm/applications/:id`: one application, each thing an admin does with it in its own panel. */
export function ApplicationScreen({ id }: { id: string }) {
  const realm = useRealmName();
  const application = useApplication(realm, id);
  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href="/">Applications</Link>
      </nav>
      <QueryState query={application} what="the application">
        {(loaded) => {
          const app = loaded.data;
          const builtIn = isBuiltIn(app);
          return (
            <>
              <PageHeader title={app.name} context={realm}>
                <ApplicationBadges application={app} />
              </PageHeader>
              {builtIn && (
                <div className="alert alert-warning">
                  <p>
                    This realm's admins sign in to the console through this application. Deleting it or changing its
                    redirect URIs locks them out until the server restarts (a start restores both); taking away a grant
                    type locks them out until it is given back.
                  </p>
                </div>
              )}
              <dl className="details-list">
                <dt>Client ID</dt>
                <dd>
                  <code>{app.client_id}</code> <CopyButton value={app.client_id} label="the client ID" />
                </dd>
                <dt>Type</dt>
                <dd>
                  {TYPE_LABELS[app.type]}: {TYPE_DESCRIPTIONS[app.type]}
                </dd>
                <dt>Id</dt>
                <dd>
                  <code>{app.id}</code>
                </dd>
                <dt>Created</dt>
                <dd>
                  <Timestamp value={app.created_at} />
                </dd>
                <dt>Updated</dt>
                <dd>
                  <Timestamp value={app.updated_at} />
                </dd>
              </dl>
              <ApplicationSettingsForm latest={loaded} reload={async () => (await application.refetch()).data} />
              {hasSecret(app.type) && <RotateSecretPanel latest={loaded} reload={() => void application.refetch()} />}
              <ApplicationRolesPanel application={app} />
              <DeleteApplication application={app} etag={loaded.etag} reload={() => void application.refetch()} />
            </>
          );
        }}
      </QueryState>
    </>
  );
}
