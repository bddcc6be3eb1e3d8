import { ValidationError } from '../errors/api-error.ts';

/**
 * Throws a 422 naming each id of `sent` that is not in `known`, so that an assignment is all or
 * nothing and the caller learns exactly which ids to fix.
 *
 * @example
 * assertKnownIds('role_ids', 'role', body.role_ids, existingRoleIds);
 */
export function assertKnownIds(field: string, noun: string, sent: readonly string[], known: Iterable<string>): void {
  const knownIds = new Set(known);
  const unknown = sent.map((id, index) => ({ id, index })).filter(({ id }) => !knownIds.has(id));
  if (unknown.length === 0) return;
  throw new ValidationError(
    `Unknown ${noun} ids: ${[...new Set(unknown.map(({ id }) => id))].join(', ')}. Nothing was assigned.`,
    unknown.map(({ id, index }) => ({ path: `${field}.${index}`, message: `No ${noun} with id ${id} in this realm` })),
  );
}
