import type { Application } from '@realmkit/sdk';
import { useLocation } from 'wouter';
import { useDeleteApplication } from '../../api/applications.ts';
import { DeletePanel } from '../../components/delete-panel.tsx';
import { useRealmName } from '../realm-context.tsx';
import { isBuiltIn } from './client-settings.tsx';

/** Deleting the application (as last seen: If-Match), after a confirmation; the built-in one after typing its client ID. */
export function DeleteApplication({
  application,
  etag,
  reload,
}: {
  application: Application;
  etag: string | undefined;
  reload: () => void;
}) {
  const realm = useRealmName();
  const [, navigate] = useLocation();
  const builtIn = isBuiltIn(application);

  return (
    <DeletePanel
      titleId="delete-application-title"
      title="Delete this application"
      explanation={
        <p>
          Its next token request fails, and the tokens it already holds are refused by the Management API and at
          introspection. This cannot be undone.
        </p>
      }
      scope="applications:write"
      actionLabel="Delete application"
      confirmTitle={`Delete the application ${application.name}?`}
      typeToConfirm={builtIn ? application.client_id : undefined}
      confirmText={
        builtIn ? (
          <p>
            This realm's admins sign in to the console through <strong>{application.name}</strong>: without it they
            cannot, until the server restarts and restores it.
          </p>
        ) : (
          <p>
            <strong>{application.name}</strong> (<code>{application.client_id}</code>) can no longer get tokens.
          </p>
        )
      }
      remove={useDeleteApplication(realm, application.id)}
      etag={etag}
      changedMeanwhile={{ what: 'application', reload }}
      onDeleted={() => navigate('/')}
    />
  );
}
