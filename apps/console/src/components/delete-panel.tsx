import type { ManagementScope } from '@realmkit/contract';
import { type ReactNode, useState } from 'react';
import { isChangedMeanwhile, messageOf } from '../api/errors.ts';
import { ChangedMeanwhile, FormAlert } from './alerts.tsx';
import { ConfirmDialog } from './confirm-dialog.tsx';
import { ActionButton } from './scope-hint.tsx';

/** The delete a panel runs: over the version last seen (`etag`, sent as If-Match). */
export interface VersionedDelete {
  mutate(variables: { etag: string | undefined }, options: { onSuccess: () => void }): void;
  reset(): void;
  isPending: boolean;
  error: unknown;
}

export interface DeletePanelProps {
  /** The id of the panel's heading, which names the section (`aria-labelledby`). */
  titleId: string;
  /** The panel's heading: `Delete this role`. */
  title: string;
  /** What deleting does, under the heading. */
  explanation: ReactNode;
  /** The scope a delete needs: without it the button is disabled and says so. */
  scope: ManagementScope;
  /** The label of the button that opens the confirmation, and of the one that confirms: `Delete role`. */
  actionLabel: string;
  /** The confirmation's title: `Delete the role admins?` */
  confirmTitle: string;
  /** The confirmation's text: what goes, and what follows. */
  confirmText: ReactNode;
  /** The admin must type this before confirming (a realm's name, a built-in application's client ID). */
  typeToConfirm?: string;
  /** The delete mutation. */
  remove: VersionedDelete;
  /** The ETag of the version shown. */
  etag: string | undefined;
  /**
   * What the resource is called in "This <what> was changed by someone else", and `reload`
   * reads it again: given both, a 412 offers Reload; otherwise it shows as any other refusal.
   */
  changedMeanwhile?: { what: string; reload: () => void };
  /** What happens once deleted (the dialog is closed): usually, going to the list. */
  onDeleted: () => void;
  /** Shown instead of the explanation and the button, when this one cannot be deleted. */
  notDeletable?: ReactNode;
}

/**
 * A danger panel that deletes the resource shown, as last seen (If-Match), after a confirmation
 * in a `ConfirmDialog` (optionally by typing a name); the server's refusal shows in the dialog.
 */
export function DeletePanel({
  titleId,
  title,
  explanation,
  scope,
  actionLabel,
  confirmTitle,
  confirmText,
  typeToConfirm,
  remove,
  etag,
  changedMeanwhile,
  onDeleted,
  notDeletable,
}: DeletePanelProps) {
  const [confirming, setConfirming] = useState(false);
  let error: ReactNode;
  if (changedMeanwhile && isChangedMeanwhile(remove.error)) {
    error = (
      <ChangedMeanwhile
        what={changedMeanwhile.what}
        onReload={() => {
          setConfirming(false);
          changedMeanwhile.reload();
        }}
      />
    );
  } else if (remove.error) {
    error = <FormAlert>{messageOf(remove.error)}</FormAlert>;
  }

  return (
    <section className="panel panel-danger" aria-labelledby={titleId}>
      <h2 id={titleId}>{title}</h2>
      {notDeletable ?? (
        <>
          {explanation}
          <ActionButton
            variant="danger"
            scope={scope}
            onClick={() => {
              remove.reset();
              setConfirming(true);
            }}
          >
            {actionLabel}
          </ActionButton>
        </>
      )}
      <ConfirmDialog
        open={confirming}
        title={confirmTitle}
        confirmLabel={actionLabel}
        typeToConfirm={typeToConfirm}
        pending={remove.isPending}
        error={error}
        onCancel={() => setConfirming(false)}
        onConfirm={() =>
          remove.mutate(
            { etag },
            {
              onSuccess: () => {
                setConfirming(false);
                onDeleted();
              },
            },
          )
        }
      >
        {confirmText}
      </ConfirmDialog>
    </section>
  );
}
