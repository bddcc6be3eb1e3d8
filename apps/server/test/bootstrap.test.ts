import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SecretKeyMismatchError } from '../src/bootstrap/bootstrap.ts';
import { loadConfig } from '../src/config/config.ts';
import { createLogger } from '../src/http/logger.ts';
import { startServer } from '../src/server.ts';

const dataDirs: string[] = [];
afterAll(async () => {
  for (const dir of dataDirs) await rm(dir, { recursive: true, force: true });
});

async function freshDataDir() {
  const dir = await mkdtemp(path.join(tmpdir(), 'realmkit-bootstrap-'));
  dataDirs.push(dir);
  return dir;
}

const start = (env: Record<string, string>) => startServer({ ...loadConfig(env), port: 0 }, createLogger('silent'));

async function tokenStatus(url: string, clientId: string, clientSecret: string) {
  const response = await fetch(`${url}/oauth2/master/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }),
  });
  return response.status;
}

describe('first start on the embedded database', () => {
  it('creates master and a bootstrap client once; a restart keeps the data and generates nothing', async () => {
    const dataDir = await freshDataDir();
    const first = await start({ REALMKIT_DATA_DIR: dataDir });
    const generated = first.bootstrap.generatedClient;
    try {
      expect(generated?.clientId).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(generated?.clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(await tokenStatus(first.url, generated!.clientId, generated!.clientSecret)).toBe(200);
      const key = await stat(path.join(dataDir, 'secret.key'));
      expect(key.mode & 0o777).toBe(0o600);
    } finally {
      await first.close();
    }

    const second = await start({ REALMKIT_DATA_DIR: dataDir });
    try {
      expect(second.bootstrap.generatedClient).toBeUndefined();
      expect(await tokenStatus(second.url, generated!.clientId, generated!.clientSecret)).toBe(200);
    } finally {
      await second.close();
    }
  });

  it('uses REALMKIT_BOOTSTRAP_CLIENT_ID/_SECRET instead of generating, and refuses a different secret key', async () => {
    const dataDir = await freshDataDir();
    const env = {
      REALMKIT_DATA_DIR: dataDir,
      REALMKIT_BOOTSTRAP_CLIENT_ID: 'ops-admin',
      REALMKIT_BOOTSTRAP_CLIENT_SECRET: 'ops-admin-secret-0123456789',
      REALMKIT_SECRET_KEY: Buffer.alloc(32, 1).toString('base64'),
    };
    const server = await start(env);
    try {
      expect(server.bootstrap.generatedClient).toBeUndefined();
      expect(await tokenStatus(server.url, 'ops-admin', 'ops-admin-secret-0123456789')).toBe(200);
      expect(await tokenStatus(server.url, 'ops-admin', 'not-the-secret')).toBe(401);
    } finally {
      await server.close();
    }
    await expect(start({ ...env, REALMKIT_SECRET_KEY: Buffer.alloc(32, 2).toString('base64') })).rejects.toBeInstanceOf(
      SecretKeyMismatchError,
    );
  });
});

describe('configuration', () => {
  it('names every bad variable', () => {
    expect(() => loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x' })).toThrow(/PORT[\s\S]*DATABASE_URL/);
    expect(() => loadConfig({ REALMKIT_BOOTSTRAP_CLIENT_ID: 'only-the-id' })).toThrow(/both/);
    expect(() => loadConfig({ REALMKIT_BOOTSTRAP_ADMIN_EMAIL: 'ops@example.com' })).toThrow(/both/);
    expect(() =>
      loadConfig({
        REALMKIT_BOOTSTRAP_CLIENT_ID: 'realmkit-console-acme',
        REALMKIT_BOOTSTRAP_CLIENT_SECRET: 'a-secret-of-enough-length',
      }),
    ).toThrow(/REALMKIT_BOOTSTRAP_CLIENT_ID: must not start with realmkit-console-/);
    expect(() => loadConfig({ REALMKIT_BOOTSTRAP_ADMIN_EMAIL: 'ops', REALMKIT_BOOTSTRAP_ADMIN_PASSWORD: 'x' })).toThrow(
      /REALMKIT_BOOTSTRAP_ADMIN_EMAIL: must be an email address/,
    );
  });
});

type Client = { clientId: string; clientSecret: string };

/** A master token of the bootstrap client. */
async function masterToken(server: { url: string }, client: Client): Promise<string> {
  const token = await fetch(`${server.url}/oauth2/master/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: client.clientId,
      client_secret: client.clientSecret,
    }),
  });
  return ((await token.json()) as { access_token: string }).access_token;
}

/** What the bootstrap client reads at `path`. */
async function masterCall(server: { url: string }, client: Client, path: string) {
  const headers = { authorization: `Bearer ${await masterToken(server, client)}` };
  const response = await fetch(`${server.url}${path}`, { headers });
  return { status: response.status, body: (await response.json()) as { data: unknown } };
}

/** Whether `password` is the password of the master user `email`, and the names of its roles. */
async function masterUser(server: { url: string }, client: Client, email: string, password: string) {
  const { body } = await masterCall(server, client, `/api/v1/master/users?search=${encodeURIComponent(email)}`);
  const [user] = body.data as { id: string; email: string; username: string | null; email_verified: boolean }[];
  if (!user) return undefined;
  const roles = await masterCall(server, client, `/api/v1/master/users/${user.id}/roles`);
  const verify = await fetch(`${server.url}/api/v1/master/users/${user.id}/password/verify`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await masterToken(server, client)}`, 'content-type': 'application/json' },
    body: JSON.stringify({ password }),
  });
  return {
    username: user.username,
    emailVerified: user.email_verified,
    passwordMatches: verify.status === 204,
    roles: (roles.body.data as { name: string }[]).map((role) => role.name),
  };
}

describe("the console's first admin and console applications", () => {
  const client = { clientId: 'first-ops', clientSecret: 'first-ops-secret-0123456789' };
  const clientEnv = {
    REALMKIT_BOOTSTRAP_CLIENT_ID: client.clientId,
    REALMKIT_BOOTSTRAP_CLIENT_SECRET: client.clientSecret,
  };

  it('generates the first admin on first start only, holding the admin role', async () => {
    const dataDir = await freshDataDir();
    const first = await start({ REALMKIT_DATA_DIR: dataDir, ...clientEnv });
    const admin = first.bootstrap.generatedAdmin;
    try {
      expect(admin).toMatchObject({ username: 'admin', email: 'admin@realmkit.localhost' });
      expect(admin?.password).toMatch(/^[A-Za-z0-9_-]{24}$/);
      expect(await masterUser(first, client, admin!.email, admin!.password)).toEqual({
        username: 'admin',
        emailVerified: true,
        passwordMatches: true,
        roles: ['admin'],
      });
    } finally {
      await first.close();
    }
    const second = await start({ REALMKIT_DATA_DIR: dataDir, ...clientEnv });
    await second.close();
    expect(second.bootstrap.generatedAdmin).toBeUndefined();
  });

  it('creates REALMKIT_BOOTSTRAP_ADMIN_EMAIL once instead, refuses a password the rules refuse, and keeps each realm its console application at the current URL', async () => {
    const dataDir = await freshDataDir();
    const adminEnv = { REALMKIT_BOOTSTRAP_ADMIN_EMAIL: 'ops@example.com', REALMKIT_BOOTSTRAP_ADMIN_PASSWORD: 'short' };
    await expect(start({ REALMKIT_DATA_DIR: dataDir, ...clientEnv, ...adminEnv })).rejects.toThrow(
      /REALMKIT_BOOTSTRAP_ADMIN_PASSWORD does not meet the master realm's password rules/,
    );

    const password = 'a long enough passphrase 42';
    const env = { REALMKIT_DATA_DIR: dataDir, ...clientEnv, ...adminEnv, REALMKIT_BOOTSTRAP_ADMIN_PASSWORD: password };
    const first = await start({ ...env, REALMKIT_ISSUER_URL: 'http://old.example:8080' });
    try {
      expect(first.bootstrap).toMatchObject({ createdAdmin: { email: 'ops@example.com' } });
      expect(first.bootstrap.generatedAdmin).toBeUndefined();
      expect(await masterUser(first, client, 'ops@example.com', password)).toMatchObject({
        passwordMatches: true,
        roles: ['admin'],
      });
      const apps = await masterCall(first, client, '/api/v1/master/applications?search=console');
      expect(apps.body.data).toEqual([
        expect.objectContaining({
          client_id: 'realmkit-console-master',
          redirect_uris: ['http://old.example:8080/console/master/callback'],
        }),
      ]);
    } finally {
      await first.close();
    }

    // Moved to another URL: the console application follows; the admin is not made again.
    const second = await start({ ...env, REALMKIT_ISSUER_URL: 'https://auth.example.com' });
    try {
      expect(second.bootstrap.createdAdmin).toBeUndefined();
      const apps = await masterCall(second, client, '/api/v1/master/applications?search=console');
      const [console] = apps.body.data as {
        id: string;
        redirect_uris: string[];
        post_logout_redirect_uris: string[];
      }[];
      expect(console).toMatchObject({
        redirect_uris: ['https://auth.example.com/console/master/callback'],
        post_logout_redirect_uris: ['https://auth.example.com/console/master/'],
      });
      const resources = await masterCall(second, client, '/api/v1/master/resources?search=Management');
      expect(resources.body.data).toEqual([
        expect.objectContaining({ is_management_api: true, indicator: 'https://auth.example.com/api/v1/master' }),
      ]);
      // Deleted, it comes back at the next start: a realm always has its console.
      const deleted = await fetch(`${second.url}/api/v1/master/applications/${console?.id}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${await masterToken(second, client)}` },
      });
      expect(deleted.status).toBe(204);
    } finally {
      await second.close();
    }
    const third = await start(env);
    try {
      const apps = await masterCall(third, client, '/api/v1/master/applications?search=console');
      expect(apps.body.data).toEqual([expect.objectContaining({ client_id: 'realmkit-console-master' })]);
    } finally {
      await third.close();
    }
  });
});
