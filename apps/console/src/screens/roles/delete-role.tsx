import type { Role } from '@realmkit/sdk';
import { useState } from 'react';
import { useLocation } from 'wouter';
import { isChangedMeanwhile, messageOf } from '../../api/errors.ts';
import { useDeleteRole } from '../../api/roles.ts';
import { ChangedMeanwhile, FormAlert } from '../../components/alerts.tsx';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { ActionButton } from '../../components/scope-hint.tsx';
import { useRealmName } from '../realm-context.tsx';

/** Deleting the role (as last seen: If-Match), after a confirmation. */
export function DeleteRole({ role, etag, reload }: { role: Role; etag: string | undefined; reload: () => void }) {
  const realm = useRealmName();
  const [, navigate] = useLocation();
  const [confirming, setConfirming] = useState(false);
  const remove = useDeleteRole(realm, role.id);

  return (
    <section className="panel panel-danger" aria-labelledby="delete-role-title">
      <h2 id="delete-role-title">Delete this role</h2>
      <p>
        Every user and application holding it loses it. Tokens already issued keep its scopes until they expire. This
        cannot be undone.
      </p>
      <ActionButton
        variant="danger"
        scope="roles:write"
        onClick={() => {
          remove.reset();
          setConfirming(true);
        }}
      >
        Delete role
      </ActionButton>
      <ConfirmDialog
        open={confirming}
        title={`Delete the role ${role.name}?`}
        confirmLabel="Delete role"
        pending={remove.isPending}
        error={
          isChangedMeanwhile(remove.error) ? (
            <ChangedMeanwhile
              what="role"
              onReload={() => {
                setConfirming(false);
                reload();
              }}
            />
          ) : remove.error ? (
            <FormAlert>{messageOf(remove.error)}</FormAlert>
          ) : undefined
        }
        onCancel={() => setConfirming(false)}
        onConfirm={() =>
          remove.mutate(
            { etag },
            {
              onSuccess: () => {
                setConfirming(false);
                navigate('/');
              },
            },
          )
        }
      >
        <p>
          <strong>{role.name}</strong> is taken from every user and application that holds it: their next tokens no
          longer carry its scopes.
        </p>
      </ConfirmDialog>
    </section>
  );
}
