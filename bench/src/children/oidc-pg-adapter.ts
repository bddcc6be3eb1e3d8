// A PostgreSQL adapter for node-oidc-provider, as a deployment would give it one (the provider's
// own in-memory adapter is for development only: its docs say so, and it forgets everything at a
// restart). One table of models keyed by (type, id), the payload as jsonb, the grant id, user code
// and session uid beside it for the lookups the provider makes, and the expiry; the shape of the
// adapters its documentation points at. One round trip per call, no transaction: the provider
// makes no more of it.
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type pg from 'pg';

const TABLE = 'oidc_models';

export async function createTable(pool: pg.Pool): Promise<void> {
  await pool.query(`create table if not exists ${TABLE} (
    type text not null,
    id text not null,
    payload jsonb not null,
    grant_id text,
    user_code text,
    uid text,
    expires_at timestamptz,
    consumed_at timestamptz,
    primary key (type, id)
  )`);
  await pool.query(`create index if not exists ${TABLE}_grant_id on ${TABLE} (grant_id) where grant_id is not null`);
  await pool.query(`create index if not exists ${TABLE}_user_code on ${TABLE} (user_code) where user_code is not null`);
  await pool.query(`create index if not exists ${TABLE}_uid on ${TABLE} (uid) where uid is not null`);
}

interface Row {
  payload: AdapterPayload;
  consumed_at: Date | null;
}

function payloadOf(row: Row | undefined): AdapterPayload | undefined {
  if (!row) return undefined;
  return row.consumed_at ? { ...row.payload, consumed: Math.floor(row.consumed_at.getTime() / 1000) } : row.payload;
}

/** The adapter class node-oidc-provider instantiates once per model name. */
export function pgAdapter(pool: pg.Pool): new (name: string) => Adapter {
  const live = 'and (expires_at is null or expires_at > now())';
  return class PgAdapter implements Adapter {
    readonly #type: string;

    constructor(name: string) {
      this.#type = name;
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
      await pool.query(
        `insert into ${TABLE} (type, id, payload, grant_id, user_code, uid, expires_at)
         values ($1, $2, $3, $4, $5, $6, case when $7::int is null then null else now() + make_interval(secs => $7::int) end)
         on conflict (type, id) do update set payload = excluded.payload, grant_id = excluded.grant_id,
           user_code = excluded.user_code, uid = excluded.uid, expires_at = excluded.expires_at`,
        [
          this.#type,
          id,
          payload,
          payload.grantId ?? null,
          payload.userCode ?? null,
          payload.uid ?? null,
          expiresIn ?? null,
        ],
      );
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      const { rows } = await pool.query<Row>(
        `select payload, consumed_at from ${TABLE} where type = $1 and id = $2 ${live}`,
        [this.#type, id],
      );
      return payloadOf(rows[0]);
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      const { rows } = await pool.query<Row>(
        `select payload, consumed_at from ${TABLE} where type = $1 and user_code = $2 ${live}`,
        [this.#type, userCode],
      );
      return payloadOf(rows[0]);
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      const { rows } = await pool.query<Row>(
        `select payload, consumed_at from ${TABLE} where type = $1 and uid = $2 ${live}`,
        [this.#type, uid],
      );
      return payloadOf(rows[0]);
    }

    async consume(id: string): Promise<void> {
      await pool.query(`update ${TABLE} set consumed_at = now() where type = $1 and id = $2`, [this.#type, id]);
    }

    async destroy(id: string): Promise<void> {
      await pool.query(`delete from ${TABLE} where type = $1 and id = $2`, [this.#type, id]);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await pool.query(`delete from ${TABLE} where grant_id = $1`, [grantId]);
    }
  };
}
