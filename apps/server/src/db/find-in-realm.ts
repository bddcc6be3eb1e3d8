import type { EntityDictionary, EntityName } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { tableOf } from './table-of.ts';

/** The lookup's SQL per entity, written once from its metadata. */
const statements = new WeakMap<object, string>();

function statementOf<E extends object>(em: EntityManager, entityName: EntityName<E>): string {
  const key = entityName as object;
  let sql = statements.get(key);
  if (!sql) {
    const { table, column } = tableOf(em, entityName as EntityName<object>);
    sql = `select * from ${table} where ${column('id')} = ? and ${column('realmId')} = ? limit 1`;
    statements.set(key, sql);
  }
  return sql;
}

/** The row of `entityName` with this id in this realm, as the database gives it (columns, not properties). */
async function rowInRealm<E extends { id: string; realmId: string }>(
  em: EntityManager,
  entityName: EntityName<E>,
  id: string,
  realmId: string,
): Promise<EntityDictionary<E> | undefined> {
  // 'get': the first row, or undefined when there is none.
  return (await em.getConnection().execute(statementOf(em, entityName), [id, realmId], 'get')) as
    | EntityDictionary<E>
    | undefined;
}

/**
 * The row of `entityName` with this id in this realm, as an entity managed by `em`, or `null`.
 * The same as `em.findOne(entityName, { id, realmId })`, without building the query anew on each
 * call: MikroORM's query building was half of the main-thread time of `GET /users/{id}`
 * (docs/performance.md, figure 4), for the most common read of every resource.
 *
 * @example
 * const user = await findInRealm(em, UserEntity, id, realmId);
 */
export async function findInRealm<E extends { id: string; realmId: string }>(
  em: EntityManager,
  entityName: EntityName<E>,
  id: string,
  realmId: string,
): Promise<E | null> {
  const row = await rowInRealm(em, entityName, id, realmId);
  return row ? em.map(entityName, row) : null;
}

/**
 * {@link findInRealm}'s entity as a plain object of its properties (typed and named as the
 * entity's), not managed by `em`: for a read that only presents it. Creating the entity and
 * merging it into the identity map cost a fifth of the server's time for `GET /users/{id}`
 * (docs/performance.md, figure 4); a change to this object is never flushed.
 */
export async function readInRealm<E extends { id: string; realmId: string }>(
  em: EntityManager,
  entityName: EntityName<E>,
  id: string,
  realmId: string,
): Promise<E | null> {
  const row = await rowInRealm(em, entityName, id, realmId);
  return row ? (em.getDriver().mapResult(row, em.getMetadata().get(entityName)) as unknown as E) : null;
}
