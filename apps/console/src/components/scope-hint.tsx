import type { ManagementScope } from '@realmkit/contract';
import { type ButtonHTMLAttributes, type ReactNode, type Ref, useId } from 'react';
import { useAuth } from '../auth/auth-provider.tsx';

type ButtonVariant = 'primary' | 'secondary' | 'danger';

export interface ActionButtonProps extends Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'children'> {
  children: ReactNode;
  /** The scope the action needs: without it the button is disabled and says so. */
  scope?: ManagementScope;
  /** While the request runs: disabled, with this label. */
  pending?: boolean;
  pendingLabel?: string;
  variant?: ButtonVariant;
  ref?: Ref<HTMLButtonElement>;
}

/**
 * A button for a write. Disabled, with a visible "needs <scope>" beside it, when the admin's
 * token lacks the scope (the server would answer 403 anyway: it stays the one that decides);
 * disabled while its request runs.
 */
export function ActionButton({
  children,
  scope,
  pending = false,
  pendingLabel,
  variant = 'secondary',
  type = 'button',
  className,
  disabled,
  ...button
}: ActionButtonProps) {
  const { can } = useAuth();
  const hintId = useId();
  const allowed = scope === undefined || can(scope);
  return (
    <span className="action">
      <button
        {...button}
        type={type}
        className={`button button-${variant}${className ? ` ${className}` : ''}`}
        disabled={disabled || pending || !allowed}
        aria-describedby={allowed ? button['aria-describedby'] : hintId}
      >
        {pending ? (pendingLabel ?? 'Working…') : children}
      </button>
      {!allowed && (
        <span id={hintId} className="scope-hint">
          needs {scope}
        </span>
      )}
    </span>
  );
}

/** A section the admin's token cannot read: what they would need, instead of a failing request. */
export function NeedsScope({ scope, what }: { scope: ManagementScope; what: string }) {
  return (
    <p className="notice">
      Your roles do not let you see {what}: this needs the scope <code>{scope}</code>.
    </p>
  );
}
