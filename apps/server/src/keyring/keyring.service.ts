import type { EntityManager } from '@mikro-orm/postgresql';
import type { SealedBox } from '../crypto/sealed-box.ts';
import { keyIdOf, type SecretKeyring } from '../crypto/secret-key.ts';
import type { Orm } from '../db/orm.ts';
import { textArray } from '../db/sql-array.ts';

/**
 * What the database records of the secret keys (`system_settings`): the fingerprints of every key
 * whose sealed values or hashes it may hold, the newest first. One fingerprint, the key it was set
 * up with, until `REALMKIT_SECRET_KEY` changes; `realmkit rotate-secret-key` brings it back to one.
 */
const FINGERPRINTS = 'secret_key_fingerprint';

export class SecretKeyMismatchError extends Error {
  override name = 'SecretKeyMismatchError';
}

async function storedFingerprints(em: EntityManager): Promise<string[]> {
  const [row] = await em.execute<{ value: string }[]>(
    `select value from system_settings where key = '${FINGERPRINTS}'`,
  );
  return (row?.value ?? '').split(/\s+/).filter(Boolean);
}

/**
 * What every start checks: the configured keys (`REALMKIT_SECRET_KEY` and
 * `REALMKIT_SECRET_KEY_PREVIOUS`) include every key the database may hold values of, so that none
 * is unreadable; then records the current key among them (a database's first start records it
 * alone). A key configured but never used costs nothing.
 */
export async function checkSecretKeys(em: EntityManager, keyring: SecretKeyring): Promise<void> {
  const current = keyring.current.fingerprint;
  await em.execute(
    `insert into system_settings (key, value) values ('${FINGERPRINTS}', ?) on conflict (key) do nothing`,
    [current],
  );
  const stored = await storedFingerprints(em);
  const missing = stored.filter((fingerprint) => !keyring.hasFingerprint(fingerprint));
  const ids = (fingerprints: string[]) => fingerprints.map(keyIdOf).join(', ');
  if (missing.length > 0 && missing.length === stored.length) {
    throw new SecretKeyMismatchError(
      `REALMKIT_SECRET_KEY is not the key this database's secrets are sealed with (it needs key ${ids(missing)}; ` +
        `configured: ${keyring.all.map((key) => key.id).join(', ')}): signing keys and client secrets could not be read. ` +
        'Start with the original key (or list it in REALMKIT_SECRET_KEY_PREVIOUS).',
    );
  }
  if (missing.length > 0) {
    throw new SecretKeyMismatchError(
      `this database still holds values sealed or hashed with secret key ${ids(missing)}, which is not configured: ` +
        'list it in REALMKIT_SECRET_KEY_PREVIOUS until `realmkit rotate-secret-key` has sealed them again with the current key.',
    );
  }
  if (!stored.includes(current)) {
    await em.execute(`update system_settings set value = ? where key = '${FINGERPRINTS}'`, [
      [current, ...stored].join(' '),
    ]);
  }
}

/** A column holding values sealed with one of the keyring's boxes. */
interface SealedColumn {
  /** How the report names its values. */
  readonly what: string;
  readonly table: string;
  readonly column: string;
  /** The primary key's columns and their SQL types: batches follow it. */
  readonly key: readonly (readonly [string, string])[];
  box(keyring: SecretKeyring): SealedBox;
}

/**
 * Every column sealed with a key derived from `REALMKIT_SECRET_KEY`. What a sign-in page's form
 * carries is sealed too, but lives in browsers for minutes (LOGIN_FORM_TTL_SECONDS), not here.
 */
export const SEALED_COLUMNS: readonly SealedColumn[] = [
  {
    what: 'signing keys',
    table: 'signing_keys',
    column: 'private_key_sealed',
    key: [['id', 'uuid']],
    box: (keyring) => keyring.signingKeys,
  },
  {
    what: 'kept Idempotency-Key responses',
    table: 'idempotency_keys',
    column: 'response_body',
    key: [
      ['realm_id', 'uuid'],
      ['client_id', 'text'],
      ['key', 'text'],
    ],
    box: (keyring) => keyring.idempotencyResponses,
  },
];

/** What a re-sealing did: values sealed again, per kind, and those no configured key opens. */
export interface ResealResult {
  resealed: Record<string, number>;
  unreadable: { what: string; row: string; problem: string }[];
}

/**
 * Seals again with the current key every value sealed with another (SEALED_COLUMNS), in batches
 * of `batchSize` rows: one read and one UPDATE each, short enough to run beside live traffic. A
 * value changed meanwhile (a kept response replaced) is left to its writer, who sealed it with
 * the current key. Then, if every value opened, records that the database needs only the current
 * key ({@link FINGERPRINTS}).
 */
export async function resealAll(orm: Orm, keyring: SecretKeyring, batchSize = 500): Promise<ResealResult> {
  const result: ResealResult = { resealed: {}, unreadable: [] };
  for (const sealed of SEALED_COLUMNS) {
    result.resealed[sealed.what] = await resealColumn(orm, keyring, sealed, batchSize, result.unreadable);
  }
  if (result.unreadable.length === 0) {
    await orm.em
      .fork()
      .execute(`update system_settings set value = ? where key = '${FINGERPRINTS}'`, [keyring.current.fingerprint]);
  }
  return result;
}

async function resealColumn(
  orm: Orm,
  keyring: SecretKeyring,
  sealed: SealedColumn,
  batchSize: number,
  unreadable: ResealResult['unreadable'],
): Promise<number> {
  const box = sealed.box(keyring);
  const keyColumns = sealed.key.map(([name]) => name).join(', ');
  const tuple = `(${sealed.key.map(() => '?').join(', ')})`;
  let after: string[] | undefined;
  let total = 0;
  for (;;) {
    const em = orm.em.fork();
    // Keyset order on the primary key: rows left unreadable are not read again.
    const rows = await em.execute<Record<string, string>[]>(
      `select ${keyColumns}, ${sealed.column} as sealed from ${sealed.table}
        where ${sealed.column} is not null and ${sealed.column} not like ?
          ${after ? `and (${keyColumns}) > ${tuple}` : ''}
        order by ${keyColumns} limit ${batchSize}`,
      [`${box.currentPrefix}%`, ...(after ?? [])],
    );
    const updates: { key: string[]; old: string; value: string }[] = [];
    for (const row of rows) {
      const key = sealed.key.map(([name]) => String(row[name]));
      const old = row.sealed as string;
      try {
        updates.push({ key, old, value: box.seal(box.open(old)) });
      } catch (error) {
        unreadable.push({ what: sealed.what, row: key.join('/'), problem: (error as Error).message });
      }
    }
    if (updates.length > 0) {
      const arrays = sealed.key.map(([, type]) => `?::${type}[]`).join(', ');
      const names = sealed.key.map(([name]) => name);
      const changed = await em.execute<{ n: number }[]>(
        `with updated as (
           update ${sealed.table} t set ${sealed.column} = v.value
             from unnest(${arrays}, ?::text[], ?::text[]) as v(${names.join(', ')}, old, value)
            where ${names.map((name) => `t.${name} = v.${name}`).join(' and ')} and t.${sealed.column} = v.old
           returning 1)
         select count(*)::int as n from updated`,
        [
          ...sealed.key.map((_, index) => textArray(updates.map((update) => update.key[index] as string))),
          textArray(updates.map((update) => update.old)),
          textArray(updates.map((update) => update.value)),
        ],
      );
      total += changed[0]?.n ?? 0;
    }
    if (rows.length < batchSize) return total;
    const last = rows[rows.length - 1] as Record<string, string>;
    after = sealed.key.map(([name]) => String(last[name]));
  }
}

/** A client secret whose hash was made with a key other than the current one. */
export interface OldKeyClientSecret {
  realm: string;
  applicationId: string;
  clientId: string;
  /** The application's secret, or its previous one (still in its grace period). */
  slot: 'current' | 'previous';
  /** The key it was hashed with, if recorded. */
  keyId: string | null;
}

/** What still depends on a key other than the current one. */
export interface OldKeyReport {
  /** Values in SEALED_COLUMNS not sealed with the current key, per kind. */
  sealed: Record<string, number>;
  /** Ids of the keys the database records besides the current one (FINGERPRINTS). */
  otherRecordedKeyIds: string[];
  clientSecrets: OldKeyClientSecret[];
  /** Live `Idempotency-Key`s whose request was fingerprinted with another key, and when the last expires. */
  idempotencyKeys: { count: number; lastExpiresAt: string | null };
}

export async function oldKeyReport(orm: Orm, keyring: SecretKeyring): Promise<OldKeyReport> {
  const em = orm.em.fork();
  const currentId = keyring.current.id;
  const sealed: Record<string, number> = {};
  for (const column of SEALED_COLUMNS) {
    const [row] = await em.execute<{ n: number }[]>(
      `select count(*)::int as n from ${column.table} where ${column.column} is not null and ${column.column} not like ?`,
      [`${column.box(keyring).currentPrefix}%`],
    );
    sealed[column.what] = row?.n ?? 0;
  }
  const clientSecrets = await em.execute<
    { realm: string; application_id: string; client_id: string; slot: 'current' | 'previous'; key_id: string | null }[]
  >(
    `select r.name as realm, a.id as application_id, a.client_id, 'current' as slot, a.client_secret_key_id as key_id
       from applications a join realms r on r.id = a.realm_id
      where a.client_secret_hash is not null and a.client_secret_key_id is distinct from ?
     union all
     select r.name, a.id, a.client_id, 'previous', a.previous_client_secret_key_id
       from applications a join realms r on r.id = a.realm_id
      where a.previous_client_secret_hash is not null and a.previous_client_secret_expires_at > now()
        and a.previous_client_secret_key_id is distinct from ?
      order by 1, 3, 4`,
    [currentId, currentId],
  );
  const [idempotency] = await em.execute<{ n: number; last: Date | string | null }[]>(
    `select count(*)::int as n, max(expires_at) as last from idempotency_keys
      where expires_at > now() and fingerprint_key_id is distinct from ?`,
    [currentId],
  );
  const recorded = await storedFingerprints(em);
  return {
    sealed,
    otherRecordedKeyIds: recorded
      .filter((fingerprint) => fingerprint !== keyring.current.fingerprint)
      .map((fingerprint) => keyIdOf(fingerprint)),
    clientSecrets: clientSecrets.map((row) => ({
      realm: row.realm,
      applicationId: row.application_id,
      clientId: row.client_id,
      slot: row.slot,
      keyId: row.key_id,
    })),
    idempotencyKeys: {
      count: idempotency?.n ?? 0,
      lastExpiresAt: idempotency?.last ? new Date(idempotency.last).toISOString() : null,
    },
  };
}
