import type { Role } from '@realmkit/sdk';
import { useLocation } from 'wouter';
import { useDeleteRole } from '../../api/roles.ts';
import { DeletePanel } from '../../components/delete-panel.tsx';
import { useRealmName } from '../realm-context.tsx';

/** Deleting the role (as last seen: If-Match), after a confirmation. */
export function DeleteRole({ role, etag, reload }: { role: Role; etag: string | undefined; reload: () => void }) {
  const realm = useRealmName();
  const [, navigate] = useLocation();

  return (
    <DeletePanel
      titleId="delete-role-title"
      title="Delete this role"
      explanation={
        <p>
          Every user and application holding it loses it. Tokens already issued keep its scopes until they expire. This
          cannot be undone.
        </p>
      }
      scope="roles:write"
      actionLabel="Delete role"
      confirmTitle={`Delete the role ${role.name}?`}
      confirmText={
        <p>
          <strong>{role.name}</strong> is taken from every user and application that holds it: their next tokens no
          longer carry its scopes.
        </p>
      }
      remove={useDeleteRole(realm, role.id)}
      etag={etag}
      changedMeanwhile={{ what: 'role', reload }}
      onDeleted={() => navigate('/')}
    />
  );
}
