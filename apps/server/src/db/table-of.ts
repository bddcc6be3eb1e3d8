import type { EntityName } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * An entity's metadata, its table and the column of each property, quoted: what the statements
 * written by hand from an entity's metadata (find-in-realm.ts, pagination.ts) are written with.
 *
 * @example
 * const { table, column } = tableOf(em, UserEntity);
 * const sql = `select * from ${table} where ${column('realmId')} = ?`;
 */
export function tableOf(em: EntityManager, entity: EntityName<object>) {
  const meta = em.getMetadata().get(entity);
  const properties = meta.properties as Record<string, { fieldNames?: string[] } | undefined>;
  const column = (property: string) => {
    const name = properties[property]?.fieldNames?.[0];
    if (!name) throw new Error(`${meta.className} has no ${property} column`);
    return `"${name}"`;
  };
  return { meta, table: `"${meta.tableName}"`, column };
}
