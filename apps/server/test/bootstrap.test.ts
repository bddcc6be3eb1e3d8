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
  });
});
