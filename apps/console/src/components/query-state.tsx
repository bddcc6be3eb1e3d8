import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { messageOf } from '../api/errors.ts';

/**
 * A single resource's query: "Loading…" first, its error as an alert, then `children` with the
 * data. Lists use {@link DataTable}'s own loading and empty states.
 */
export function QueryState<T>({
  query,
  children,
  what,
}: {
  query: UseQueryResult<T>;
  children: (data: T) => ReactNode;
  what: string;
}) {
  if (query.isPending) {
    return (
      <p role="status" className="loading">
        Loading {what}…
      </p>
    );
  }
  if (query.isError) {
    return (
      <div role="alert" className="alert alert-error">
        <p>
          Could not load {what}: {messageOf(query.error)}
        </p>
        <button type="button" className="button button-secondary" onClick={() => void query.refetch()}>
          Try again
        </button>
      </div>
    );
  }
  return <>{children(query.data)}</>;
}

/** A list query's failure, above its table. */
export function ListError({ error, what }: { error: unknown; what: string }) {
  if (!error) return null;
  return (
    <div role="alert" className="alert alert-error">
      Could not load {what}: {messageOf(error)}
    </div>
  );
}
