import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { ConflictError, type ErrorDetail } from '../errors/api-error.ts';

/** The name of the unique constraint or index an error violated, if it is one. */
export function violatedConstraint(error: unknown): string | undefined {
  if (!(error instanceof UniqueConstraintViolationException)) return undefined;
  return (error as { constraint?: string }).constraint ?? 'unknown';
}

/** What a 409 says for each unique constraint a feature's writes can violate. */
export type ConflictMessages = Record<string, ErrorDetail>;

/**
 * Runs a write; a violation of one of `conflicts` becomes a 409 naming the field. The database
 * enforces uniqueness, so this holds under concurrent requests.
 */
export async function withConflicts<T>(conflicts: ConflictMessages, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const conflict = conflicts[violatedConstraint(error) ?? ''];
    if (conflict) throw new ConflictError(conflict.message, [conflict]);
    throw error;
  }
}
