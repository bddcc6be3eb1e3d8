import { v7 } from 'uuid';

/** A new record id: UUID version 7, time-ordered, so `ORDER BY id` is creation order. */
export function newId(): string {
  return v7();
}

const UUID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID_SHAPE.test(value);
}
