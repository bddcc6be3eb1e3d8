import { UniqueConstraintViolationException } from '@mikro-orm/core';

/** The name of the unique constraint or index an error violated, if it is one. */
export function violatedConstraint(error: unknown): string | undefined {
  if (!(error instanceof UniqueConstraintViolationException)) return undefined;
  return (error as { constraint?: string }).constraint ?? 'unknown';
}
