import { APIError, PermissionDeniedError, PreconditionFailedError, RealmkitError } from '@realmkit/sdk';

/** A write refused because the resource changed since it was read (If-Match, 412). */
export function isChangedMeanwhile(error: unknown): error is PreconditionFailedError {
  return error instanceof PreconditionFailedError;
}

/** One sentence for an admin: the server's message, with what it means for a 403. */
export function messageOf(error: unknown): string {
  if (error instanceof PreconditionFailedError) {
    return 'It was changed by someone else since this page loaded it: reload to see the changes, then try again.';
  }
  if (error instanceof PermissionDeniedError) return `Your roles do not allow this: ${error.message}`;
  if (error instanceof APIError) return error.message;
  if (error instanceof RealmkitError) return `Realmkit could not be reached: ${error.message}`;
  if (error instanceof Error) return error.message;
  return String(error);
}
