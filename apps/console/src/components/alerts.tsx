import type { ReactNode } from 'react';

/** A problem the admin must see now (announced by screen readers as it appears). */
export function FormAlert({ children }: { children: ReactNode }) {
  return (
    <div role="alert" className="alert alert-error">
      {children}
    </div>
  );
}

/** The outcome of an action, announced politely ("Email sent"). Rendered always, so the region exists before its text. */
export function StatusMessage({ children }: { children?: ReactNode }) {
  return (
    <p role="status" className="status-message">
      {children}
    </p>
  );
}

/**
 * The write was refused with 412: the resource changed since the form read it. Nothing was
 * written; Reload loads the current version (the admin's edits are replaced by it).
 */
export function ChangedMeanwhile({ what, onReload }: { what: string; onReload: () => void }) {
  return (
    <div role="alert" className="alert alert-warning">
      <p>This {what} was changed by someone else. Reload to see the changes.</p>
      <button type="button" className="button button-secondary" onClick={onReload}>
        Reload
      </button>
    </div>
  );
}
