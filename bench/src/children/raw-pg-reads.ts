// Baseline: the least a Management API read can do (issue 25's "honest baseline"). node:http and
// pg, nothing else: the bearer JWT checked (signature against the master realm's JWKS, issuer,
// audience, expiry, scope) once per distinct token, as the server remembers verified tokens; the
// realm's id looked up once per name, as the server's hot-path cache does; then the same SELECT
// the server sends, and the same JSON (the ETag included: a row's strong one, a list's weak one). No logging, no validation of the
// answer, no security headers, no request id.
//
// Env: PORT, DATABASE_URL, ISSUER (the master realm's issuer), AUDIENCE (its Management API),
// JWKS (its JWKS document, as JSON). Routes: GET /api/v1/{realm}/users/{id} and
// GET /api/v1/{realm}/users[?search=] (the first page: 20 newest, `total`, `next_after`).
import { createHash } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import { createLocalJWKSet, type JWTPayload, jwtVerify } from 'jose';
import pg from 'pg';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const ISSUER = env('ISSUER');
const AUDIENCE = env('AUDIENCE');
const jwks = createLocalJWKSet(JSON.parse(env('JWKS')));
const pool = new pg.Pool({ connectionString: env('DATABASE_URL'), max: 10 });
const PER_PAGE = 20;

interface UserRow {
  id: string;
  email: string;
  username: string | null;
  name: string | null;
  given_name: string | null;
  family_name: string | null;
  is_suspended: boolean;
  email_verified: boolean;
  password_hash: string | null;
  created_at: Date;
  updated_at: Date;
  version: number;
}

function present(row: UserRow) {
  return {
    id: row.id,
    email: row.email,
    username: row.username,
    name: row.name,
    given_name: row.given_name,
    family_name: row.family_name,
    is_suspended: row.is_suspended,
    email_verified: row.email_verified,
    has_password: row.password_hash !== null,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

const verified = new Map<string, JWTPayload & { scopes: Set<string> }>();
async function claimsOf(authorization: string | undefined) {
  const token = authorization?.startsWith('Bearer ') ? authorization.slice(7) : undefined;
  if (!token) return undefined;
  let claims = verified.get(token);
  if (!claims) {
    try {
      const { payload } = await jwtVerify(token, jwks, {
        issuer: ISSUER,
        audience: AUDIENCE,
        typ: 'at+jwt',
        algorithms: ['RS256', 'ES256'],
      });
      claims = { ...payload, scopes: new Set(String(payload.scope ?? '').split(' ')) };
    } catch {
      return undefined;
    }
    verified.set(token, claims);
  }
  return (claims.exp ?? 0) * 1000 > Date.now() ? claims : undefined;
}

const realms = new Map<string, string>();
async function realmId(name: string): Promise<string | undefined> {
  let id = realms.get(name);
  if (id === undefined) {
    const { rows } = await pool.query<{ id: string }>('select id from realms where name = $1', [name]);
    id = rows[0]?.id;
    if (id !== undefined) realms.set(name, id);
  }
  return id;
}

/**
 * Writes `body` as JSON with `etag`, or with the weak ETag the API documents for other documents
 * (a list's): Express' own, `W/"<length>-<SHA-1>"`, computed the same way.
 */
function send(res: ServerResponse, status: number, body: unknown, etag?: string): void {
  const json = JSON.stringify(body);
  const length = Buffer.byteLength(json);
  const tag =
    etag ??
    (status === 200
      ? `W/"${length.toString(16)}-${createHash('sha1').update(json).digest('base64').slice(0, 27)}"`
      : undefined);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': length,
    ...(tag ? { etag: tag } : {}),
  });
  res.end(json);
}

const PATH = /^\/api\/v1\/([^/]+)\/users(?:\/([0-9a-f-]{36}))?$/;

async function answer(url: URL, authorization: string | undefined, res: ServerResponse): Promise<void> {
  const match = PATH.exec(url.pathname);
  if (!match) return send(res, 404, { error: 'not_found' });
  const claims = await claimsOf(authorization);
  if (!claims) return send(res, 401, { error: 'invalid_token' });
  if (!claims.scopes.has('users:read')) return send(res, 403, { error: 'insufficient_scope' });
  const realm = await realmId(decodeURIComponent(match[1] as string));
  if (!realm) return send(res, 404, { error: 'not_found' });
  const id = match[2];
  if (id) {
    const { rows } = await pool.query<UserRow>(
      'select "u0".* from "users" as "u0" where "u0"."id" = $1 and "u0"."realm_id" = $2 limit 1',
      [id, realm],
    );
    const row = rows[0];
    if (!row) return send(res, 404, { error: 'not_found' });
    const tag = `"${createHash('sha256').update(`${row.id}/${row.version}`).digest('base64url').slice(0, 22)}"`;
    return send(res, 200, { data: present(row) }, tag);
  }
  // The first page, as the server reads it: the page's ids from the (realm_id, id) index (one more
  // than the page, to know whether another follows), then their rows; the total beside it.
  const search = url.searchParams.get('search');
  const pattern = search ? `%${search.replace(/[\\%_]/g, (char) => `\\${char}`)}%` : undefined;
  const filter = pattern
    ? '"u0"."realm_id" = $1 and ("u0"."email" ilike $2 or "u0"."username" ilike $2 or "u0"."name" ilike $2)'
    : '"u0"."realm_id" = $1';
  const values = pattern ? [realm, pattern] : [realm];
  const [page, total] = await Promise.all([
    pool.query<UserRow>(
      `select "u0".* from "users" as "u0" where "u0"."id" in (select "u0"."id" from "users" as "u0" where ${filter} order by "u0"."id" desc limit ${PER_PAGE + 1}) order by "u0"."id" desc`,
      values,
    ),
    pattern
      ? pool.query<{ total: string }>(`select count(*) as total from "users" as "u0" where ${filter}`, values)
      : pool.query<{ total: string }>('select sum(user_count) as total from realm_user_counts where realm_id = $1', [
          realm,
        ]),
  ]);
  const rows = page.rows.slice(0, PER_PAGE);
  send(res, 200, {
    data: rows.map(present),
    meta: {
      current_page: 1,
      per_page: PER_PAGE,
      total: Number(total.rows[0]?.total ?? 0),
      next_after: page.rows.length > PER_PAGE ? (rows.at(-1)?.id ?? null) : null,
    },
  });
}

createServer((req, res) => {
  answer(new URL(req.url ?? '/', 'http://localhost'), req.headers.authorization, res).catch((error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    send(res, 500, { error: 'server_error' });
  });
}).listen(Number(process.env.PORT), '127.0.0.1');
