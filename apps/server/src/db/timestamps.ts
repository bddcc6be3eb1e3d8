import { p } from '@mikro-orm/core';

/** `created_at`, set once by the ORM when the row is created (the column's `now()` default serves raw SQL). */
export const createdAt = () =>
  p
    .datetime()
    .defaultRaw('now()')
    .onCreate(() => new Date());

/** `created_at` and `updated_at`, for records that change; `updated_at` is set by the ORM on every change. */
export const timestamps = () => ({
  createdAt: createdAt(),
  updatedAt: p
    .datetime()
    .defaultRaw('now()')
    .onCreate(() => new Date())
    .onUpdate(() => new Date()),
});
