import { MASTER_REALM } from '@realmkit/contract';
import type { Realm } from '@realmkit/sdk';
import { useLocation } from 'wouter';
import { useDeleteRealm } from '../../api/realms.ts';
import { DeletePanel } from '../../components/delete-panel.tsx';
import { fromConsoleRoot } from '../../config.ts';

/** Deleting a realm and everything in it, after typing its name. */
export function DeleteRealm({ realm, etag }: { realm: Realm; etag: string | undefined }) {
  const [, navigate] = useLocation();

  return (
    <DeletePanel
      titleId="delete-realm-title"
      title="Delete this realm"
      notDeletable={
        realm.name === MASTER_REALM ? (
          <p>The master realm cannot be deleted: its admins manage every realm.</p>
        ) : undefined
      }
      explanation={
        <p>Its users, applications, roles, API resources and keys are deleted with it. This cannot be undone.</p>
      }
      scope="realms:write"
      actionLabel="Delete realm"
      confirmTitle={`Delete the realm ${realm.name}?`}
      typeToConfirm={realm.name}
      confirmText={
        <p>
          Everything in <strong>{realm.name}</strong> is deleted, and its users can no longer sign in.
        </p>
      }
      remove={useDeleteRealm(realm.name)}
      etag={etag}
      onDeleted={() => navigate(fromConsoleRoot('/realms'))}
    />
  );
}
