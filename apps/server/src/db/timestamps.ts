import { p } from '@mikro-orm/core';

/** `created_at`, set once by the ORM when the row is created. */
export const createdAt = () => p.datetime().onCreate(() => new Date());

/** `created_at` and `updated_at`, for records that change. */
export const timestamps = () => ({
  createdAt: createdAt(),
  updatedAt: p
    .datetime()
    .onCreate(() => new Date())
    .onUpdate(() => new Date()),
});
