import type { Application } from '@realmkit/sdk';
import { useState } from 'react';
import { useLocation } from 'wouter';
import { useDeleteApplication } from '../../api/applications.ts';
import { isChangedMeanwhile, messageOf } from '../../api/errors.ts';
import { ChangedMeanwhile, FormAlert } from '../../components/alerts.tsx';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { ActionButton } from '../../components/scope-hint.tsx';
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
  const [confirming, setConfirming] = useState(false);
  const remove = useDeleteApplication(realm, application.id);
  const builtIn = isBuiltIn(application);

  return (
    <section className="panel panel-danger" aria-labelledby="delete-application-title">
      <h2 id="delete-application-title">Delete this application</h2>
      <p>
        Its next token request fails, and the tokens it already holds are refused by the Management API and at
        introspection. This cannot be undone.
      </p>
      <ActionButton
        variant="danger"
        scope="applications:write"
        onClick={() => {
          remove.reset();
          setConfirming(true);
        }}
      >
        Delete application
      </ActionButton>
      <ConfirmDialog
        open={confirming}
        title={`Delete the application ${application.name}?`}
        confirmLabel="Delete application"
        typeToConfirm={builtIn ? application.client_id : undefined}
        pending={remove.isPending}
        error={
          isChangedMeanwhile(remove.error) ? (
            <ChangedMeanwhile
              what="application"
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
        {builtIn ? (
          <p>
            This realm's admins sign in to the console through <strong>{application.name}</strong>: without it they
            cannot, until the server restarts and restores it.
          </p>
        ) : (
          <p>
            <strong>{application.name}</strong> (<code>{application.client_id}</code>) can no longer get tokens.
          </p>
        )}
      </ConfirmDialog>
    </section>
  );
}
