import { MASTER_REALM } from '@realmkit/contract';
import type { Realm } from '@realmkit/sdk';
import { useState } from 'react';
import { useLocation } from 'wouter';
import { messageOf } from '../../api/errors.ts';
import { useDeleteRealm } from '../../api/realms.ts';
import { FormAlert } from '../../components/alerts.tsx';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { ActionButton } from '../../components/scope-hint.tsx';
import { fromConsoleRoot } from '../../config.ts';

/** Deleting a realm and everything in it, after typing its name. */
export function DeleteRealm({ realm, etag }: { realm: Realm; etag: string | undefined }) {
  const [, navigate] = useLocation();
  const [confirming, setConfirming] = useState(false);
  const remove = useDeleteRealm(realm.name);
  const isMaster = realm.name === MASTER_REALM;

  return (
    <section className="panel panel-danger" aria-labelledby="delete-realm-title">
      <h2 id="delete-realm-title">Delete this realm</h2>
      {isMaster ? (
        <p>The master realm cannot be deleted: its admins manage every realm.</p>
      ) : (
        <>
          <p>Its users, applications, roles, API resources and keys are deleted with it. This cannot be undone.</p>
          <ActionButton
            variant="danger"
            scope="realms:write"
            onClick={() => {
              remove.reset();
              setConfirming(true);
            }}
          >
            Delete realm
          </ActionButton>
        </>
      )}
      <ConfirmDialog
        open={confirming}
        title={`Delete the realm ${realm.name}?`}
        confirmLabel="Delete realm"
        typeToConfirm={realm.name}
        pending={remove.isPending}
        error={remove.error ? <FormAlert>{messageOf(remove.error)}</FormAlert> : undefined}
        onCancel={() => setConfirming(false)}
        onConfirm={() =>
          remove.mutate(
            { etag },
            {
              onSuccess: () => {
                setConfirming(false);
                navigate(fromConsoleRoot('/realms'));
              },
            },
          )
        }
      >
        <p>
          Everything in <strong>{realm.name}</strong> is deleted, and its users can no longer sign in.
        </p>
      </ConfirmDialog>
    </section>
  );
}
