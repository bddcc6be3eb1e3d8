import type { Resource } from '@realmkit/sdk';
import { useState } from 'react';
import { useLocation } from 'wouter';
import { isChangedMeanwhile, messageOf } from '../../api/errors.ts';
import { useDeleteResource } from '../../api/resources.ts';
import { ChangedMeanwhile, FormAlert } from '../../components/alerts.tsx';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { ActionButton } from '../../components/scope-hint.tsx';
import { useRealmName } from '../realm-context.tsx';
import { listPath } from './paths.ts';

/** Deleting the API resource as last seen (If-Match), after a confirmation. */
export function DeleteResource({
  resource,
  etag,
  reload,
}: {
  resource: Resource;
  etag: string | undefined;
  reload: () => void;
}) {
  const realm = useRealmName();
  const [, navigate] = useLocation();
  const [confirming, setConfirming] = useState(false);
  const remove = useDeleteResource(realm, resource.id);

  return (
    <section className="panel panel-danger" aria-labelledby="delete-resource-title">
      <h2 id="delete-resource-title">Delete this API resource</h2>
      <p>
        Its scopes are deleted with it and leave every role. No new token can be issued for it; tokens already issued
        stay valid until they expire.
      </p>
      <ActionButton
        variant="danger"
        scope="resources:write"
        onClick={() => {
          remove.reset();
          setConfirming(true);
        }}
      >
        Delete API resource
      </ActionButton>
      <ConfirmDialog
        open={confirming}
        title={`Delete the API resource ${resource.name}?`}
        confirmLabel="Delete API resource"
        pending={remove.isPending}
        error={
          remove.error ? (
            isChangedMeanwhile(remove.error) ? (
              <ChangedMeanwhile
                what="API resource"
                onReload={() => {
                  setConfirming(false);
                  reload();
                }}
              />
            ) : (
              <FormAlert>{messageOf(remove.error)}</FormAlert>
            )
          ) : undefined
        }
        onCancel={() => setConfirming(false)}
        onConfirm={() =>
          remove.mutate(
            { etag },
            {
              onSuccess: () => {
                setConfirming(false);
                navigate(listPath(realm));
              },
            },
          )
        }
      >
        <p>
          <strong>{resource.name}</strong> (<code>{resource.indicator}</code>) and its scopes are deleted. This cannot
          be undone.
        </p>
      </ConfirmDialog>
    </section>
  );
}
