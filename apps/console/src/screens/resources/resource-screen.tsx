import { Link } from 'wouter';
import { useResource } from '../../api/resources.ts';
import { PageHeader } from '../../components/page-header.tsx';
import { QueryState } from '../../components/query-state.tsx';
import { useRealmName } from '../realm-context.tsx';
import { DeleteResource } from './delete-resource.tsx';
import { listPath } from './paths.ts';
import { BuiltInBadge } from './resource-badges.tsx';
import { ResourceDetails } from './resource-details.tsx';
import { ResourceScopesPanel } from './resource-scopes-panel.tsx';
import { ResourceSettingsForm } from './resource-settings-form.tsx';

/** `/realms/:realm/resources/:id`: one API resource, its settings (If-Match) and its scopes. */
export function ResourceScreen({ id }: { id: string }) {
  const realm = useRealmName();
  const resource = useResource(realm, id);
  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href={listPath(realm)}>API resources</Link>
      </nav>
      <QueryState query={resource} what="the API resource">
        {(loaded) => {
          const builtIn = loaded.data.is_management_api;
          return (
            <>
              <PageHeader title={loaded.data.name} context={realm}>
                <BuiltInBadge resource={loaded.data} />
              </PageHeader>
              {builtIn && (
                <p className="notice">
                  This is the realm's built-in Management API. Realmkit keeps it: its name, lifetime and scopes cannot
                  be changed, and it cannot be deleted. Roles can hold its scopes.
                </p>
              )}
              <ResourceDetails resource={loaded.data} />
              {!builtIn && (
                <ResourceSettingsForm latest={loaded} reload={async () => (await resource.refetch()).data} />
              )}
              <ResourceScopesPanel resource={loaded.data} />
              {!builtIn && (
                <DeleteResource resource={loaded.data} etag={loaded.etag} reload={() => void resource.refetch()} />
              )}
            </>
          );
        }}
      </QueryState>
    </>
  );
}
