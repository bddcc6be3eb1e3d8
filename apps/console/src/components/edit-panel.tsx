import type { ManagementScope } from '@realmkit/contract';
import type { ReactNode } from 'react';
import type { FieldValues } from 'react-hook-form';
import { useAuth } from '../auth/auth-provider.tsx';
import { StatusMessage } from './alerts.tsx';
import { ActionButton } from './scope-hint.tsx';
import type { VersionedEdit } from './use-versioned-edit.ts';

export interface EditPanelProps<V extends FieldValues, Out> {
  /** The id of the panel's heading, which names the section (`aria-labelledby`). */
  titleId: string;
  title: ReactNode;
  /** The form's behaviour, from `useVersionedEdit`. */
  edit: VersionedEdit<V, Out>;
  /** The scope a save needs: without it the fields are disabled and the button says so. */
  scope: ManagementScope;
  /** The submit button's label (`Save settings`). */
  submitLabel: string;
  /** The fields. */
  children: ReactNode;
}

/**
 * An edit form's panel: its heading, the fields in a fieldset disabled without the write scope,
 * the server's refusal, the Save button ("Saving…" while it runs) and the outcome's status line.
 */
export function EditPanel<V extends FieldValues, Out>({
  titleId,
  title,
  edit,
  scope,
  submitLabel,
  children,
}: EditPanelProps<V, Out>) {
  const { can } = useAuth();
  return (
    <section className="panel" aria-labelledby={titleId}>
      <h2 id={titleId}>{title}</h2>
      <form onSubmit={edit.onSubmit} noValidate>
        <fieldset disabled={!can(scope)}>{children}</fieldset>
        {edit.alert}
        <div className="actions">
          <ActionButton type="submit" variant="primary" scope={scope} pending={edit.pending} pendingLabel="Saving…">
            {submitLabel}
          </ActionButton>
        </div>
        <StatusMessage>{edit.status}</StatusMessage>
      </form>
    </section>
  );
}
