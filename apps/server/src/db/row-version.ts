import { type EntityName, type FilterQuery, LockMode, p } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { timestamps } from './timestamps.ts';

/**
 * `version`: 1 when the row is created, then one more on every change, counted by the database
 * (trigger `realmkit_next_version`) whoever writes the row. The ORM never writes it.
 */
export const rowVersion = () => p.integer().default(1);

/**
 * `version`, `created_at` and `updated_at`: the properties every row the API serves with an `ETag`
 * has, spread into its entity's properties. Its table needs the `realmkit_next_version` trigger too
 * (a migration; test/schema.test.ts checks that every table with a `version` column has it).
 *
 * @example
 * defineEntity({ name: 'Role', tableName: 'roles', properties: { id: p.uuid().primary(), ...versionAndTimestamps() } });
 */
export const versionAndTimestamps = () => ({ version: rowVersion(), ...timestamps() });

/**
 * Run first in a transaction whose updates change no representation (a client-secret hash made
 * again with the current secret key): the trigger then leaves `version`, and so the `ETag`, alone
 * until the transaction ends (Migration20261210000000SecretKeyring).
 */
export const KEEP_ROW_VERSION = "select set_config('realmkit.keep_version', 'on', true)";

/** A row with a {@link rowVersion}. */
export interface Versioned {
  readonly id: string;
  readonly version: number;
}

/** Refuses a write, by throwing, when the row's current state is not what the caller expects (`If-Match`). */
export type RowCheck = (current: Versioned) => void;

export interface RowWriteOptions<E> {
  /** Judges the row once it is locked; throws to refuse the write. */
  check?: RowCheck | undefined;
  /** What to throw when no row matches. */
  notFound: () => Error;
  /** Refusals that do not depend on the request (read-only rows); they come before `check`. */
  guard?: (row: E) => void;
}

async function lockedRow<E extends object>(
  em: EntityManager,
  entityName: EntityName<E>,
  where: FilterQuery<NoInfer<E>>,
  options: RowWriteOptions<E>,
): Promise<E> {
  // `refresh`: the row as the lock found it, not as this request's identity map last saw it.
  const row = await em.findOne(entityName, where, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
  if (!row) throw options.notFound();
  options.guard?.(row);
  options.check?.(row as unknown as Versioned);
  return row;
}

/**
 * Changes one row atomically with its precondition: reads it `FOR UPDATE` in a transaction, runs
 * `check` on it, applies `change`, flushes, and reads back the version the database gave it, all
 * before the lock goes. Two writers holding the same version therefore cannot both pass `check`.
 *
 * @example
 * await updateRow(em, UserEntity, { id, realmId }, { check, notFound }, (user) => { user.name = name; });
 */
export async function updateRow<E extends object>(
  em: EntityManager,
  entityName: EntityName<E>,
  where: FilterQuery<NoInfer<E>>,
  options: RowWriteOptions<E>,
  change: (row: E, em: EntityManager) => void | Promise<void>,
): Promise<E> {
  return em.transactional(async (tx) => {
    const row = await lockedRow(tx, entityName, where, options);
    await change(row, tx);
    await tx.flush();
    await tx.refresh(row);
    return row;
  });
}

/** Deletes one row atomically with its precondition (see {@link updateRow}); returns what it deleted. */
export async function deleteRow<E extends object>(
  em: EntityManager,
  entityName: EntityName<E>,
  where: FilterQuery<NoInfer<E>>,
  options: RowWriteOptions<E>,
): Promise<E> {
  return em.transactional(async (tx) => {
    const row = await lockedRow(tx, entityName, where, options);
    tx.remove(row);
    await tx.flush();
    return row;
  });
}
