import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVER_HEAP_FLAGS } from '../src/cli/server-heap-flags.ts';
import { loadConfig } from '../src/config/config.ts';
import { createLogger } from '../src/http/logger.ts';
import { startServer } from '../src/server.ts';
import { waitFor } from './support/outbox-helpers.ts';
import { runRealmkit, spawnRealmkit } from './support/realmkit-process.ts';
import { startServerProcess } from './support/server-process.ts';

// The `realmkit` command, each run a real process on an embedded database of its own.

const serverPackage = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/** A server on the database the commands wrote (`env`'s data directory), to check what they made. */
function serverOnSameDatabase(env: Record<string, string>) {
  return startServer(
    {
      ...loadConfig({
        ...env,
        REALMKIT_BOOTSTRAP_CLIENT_ID: 'cli-check',
        REALMKIT_BOOTSTRAP_CLIENT_SECRET: 'cli-check-secret-0123',
      }),
      port: 0,
    },
    createLogger('silent'),
  );
}

describe('realmkit: help, version, exit codes', () => {
  it('prints the version and the help, exit 0', async () => {
    expect(await runRealmkit(['--version'])).toMatchObject({ code: 0, stdout: `${serverPackage.version}\n` });
    const help = await runRealmkit(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['start', 'migrate', 'notifier', 'create-client', 'create-admin', 'rotate-secret-key']) {
      expect(help.stdout).toContain(command);
    }
    const commandHelp = await runRealmkit(['create-client', '--help']);
    expect(commandHelp).toMatchObject({ code: 0 });
    for (const option of ['--scopes', '--jwks-file <path>', '--jwks-uri <url>'])
      expect(commandHelp.stdout).toContain(option);
  });

  it('answers bad usage with exit 2 and a message naming the problem', async () => {
    expect((await runRealmkit([])).code).toBe(2);
    const unknown = await runRealmkit(['strat']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'strat'");
    const missing = await runRealmkit(['create-client', '--realm', 'master']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--scopes is required');
    const badOption = await runRealmkit(['migrate', '--force']);
    expect(badOption.code).toBe(2);
    expect(badOption.stderr).toMatch(/Unknown option '--force'/);
  });

  it('answers bad configuration with exit 3 naming the variable', async () => {
    const run = await runRealmkit(['migrate'], { PORT: 'eighty' });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('PORT');
    expect(run.stderr).not.toContain('    at '); // no stack trace
  });

  it('answers a malformed REALMKIT_SECRET_KEY with exit 3 and one line naming it', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'realmkit-cli-key-'));
    try {
      // Too short, not base64 at all, and base64 with a stray character (Buffer.from would skip it).
      const runs = [
        ['migrate', 'c2hvcnQ='],
        ['start', 'c2hvcnQ='],
        ['migrate', 'not a key!'],
        ['migrate', `${'A'.repeat(43)}=*`],
      ];
      for (const [command = '', key = ''] of runs) {
        const run = await runRealmkit([command], { REALMKIT_DATA_DIR: dataDir, PORT: '0', REALMKIT_SECRET_KEY: key });
        expect(run.code, `${command} with ${key}: ${run.stderr}`).toBe(3);
        expect(run.stderr).toMatch(/^realmkit \S+: REALMKIT_SECRET_KEY .+\n$/);
        expect(run.stderr).toContain('openssl rand -base64 32');
        expect(run.stderr).not.toContain(key); // a secret, even a wrong one, is never printed
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('realmkit: migrate, create-client, start on the embedded database', () => {
  let dataDir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'realmkit-cli-'));
    env = { REALMKIT_DATA_DIR: dataDir, PORT: '0' };
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('migrates a new database, then finds it up to date', async () => {
    const first = await runRealmkit(['migrate'], env);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^Applied \d+ migration\(s\):\n {2}Migration\d+Foundation\n/);
    expect(await runRealmkit(['migrate'], env)).toMatchObject({
      code: 0,
      stdout: 'The database is up to date: no pending migration.\n',
    });
    // Two processes, each starting Node and a new embedded database: on a loaded 2-core machine
    // each has taken 20-26 s (the same on main), past the default 30 s for both.
  }, 90_000);

  it('creates a console admin with a password printed once, and only once per email', async () => {
    const created = await runRealmkit(['create-admin', '--email', 'ops@example.com', '--username', 'ops'], env);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain('Created admin ops@example.com in the master realm (role admin).');
    expect(created.stdout).toContain('Console: http://localhost:0/console/master/');
    const password = /password: (\S+)/.exec(created.stdout)?.[1] as string;
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);

    const again = await runRealmkit(['create-admin', '--email', 'OPS@example.com'], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('the master realm already has a user OPS@example.com');
    const badEmail = await runRealmkit(['create-admin', '--email', 'not-an-email'], env);
    expect(badEmail).toMatchObject({ code: 2, stderr: expect.stringContaining('is not an email address') });
    expect((await runRealmkit(['create-admin'], env)).stderr).toContain('--email is required');

    // The password signs the admin in: checked by a server on the same database.
    const server = await serverOnSameDatabase(env);
    try {
      const token = await fetch(`${server.url}/oauth2/master/token`, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: 'cli-check',
          client_secret: 'cli-check-secret-0123',
        }),
      });
      const headers = { authorization: `Bearer ${((await token.json()) as { access_token: string }).access_token}` };
      const users = await fetch(`${server.url}/api/v1/master/users?search=ops%40example.com`, { headers });
      const [admin] = ((await users.json()) as { data: { id: string; username: string }[] }).data;
      expect(admin?.username).toBe('ops');
      const verify = await fetch(`${server.url}/api/v1/master/users/${admin?.id}/password/verify`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ password }),
      });
      expect(verify.status).toBe(204);
    } finally {
      await server.close();
    }
  }, 60_000);

  it('creates a client with public keys instead of a secret (--jwks-file, --jwks-uri): private_key_jwt gets its token', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    const publicJwk = { ...(await exportJWK(publicKey)), kid: 'cli-1', alg: 'ES256' };
    const keyFile = path.join(dataDir, 'worker.jwk.json');
    await writeFile(keyFile, JSON.stringify(publicJwk));
    const create = (...options: string[]) =>
      runRealmkit(['create-client', '--realm', 'master', '--scopes', 'users:read', ...options], env);

    // One public JWK; --json: no secret, the method instead.
    const created = await create('--jwks-file', keyFile, '--name', 'key worker', '--json');
    expect(created.code, created.stderr).toBe(0);
    const client = JSON.parse(created.stdout) as Record<string, unknown>;
    expect(client).toMatchObject({ token_endpoint_auth_method: 'private_key_jwt', scopes: ['users:read'] });
    expect(client).not.toHaveProperty('client_secret');

    // A JWK Set; the text says there is no secret.
    const other = { ...(await exportJWK((await generateKeyPair('EdDSA')).publicKey)), kid: 'cli-2' };
    await writeFile(keyFile, JSON.stringify({ keys: [publicJwk, other] }));
    const fromSet = await create('--jwks-file', keyFile);
    expect(fromSet.code, fromSet.stderr).toBe(0);
    expect(fromSet.stdout).toContain('no secret:     it authenticates with private_key_jwt');
    expect(fromSet.stdout).not.toContain('client_secret');

    const byUri = await create('--jwks-uri', 'https://keys.example.com/jwks.json', '--json');
    expect(byUri.code, byUri.stderr).toBe(0);
    const uriClient = JSON.parse(byUri.stdout) as { client_id: string };

    // Refused: both sources (usage, exit 2); keys the API would refuse (exit 1), nothing created.
    expect(await create('--jwks-file', keyFile, '--jwks-uri', 'https://keys.example.com/jwks.json')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--jwks-file and --jwks-uri: give one'),
    });
    expect((await create('--jwks-uri', 'http://keys.example.com/jwks.json')).stderr).toContain(
      'jwks_uri must use https',
    );
    await writeFile(keyFile, JSON.stringify(await exportJWK(privateKey)));
    expect(await create('--jwks-file', keyFile)).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('jwks.keys.0: This key is a private key'),
    });
    await writeFile(keyFile, '{"keys": "none"}');
    expect(await create('--jwks-file', keyFile)).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('is not a JWK Set or a public JWK: keys:'),
    });
    expect((await create('--jwks-file', path.join(dataDir, 'missing.json'))).stderr).toContain('ENOENT');

    // The server on the same database: the first client's assertion gets a token; the third has its jwks_uri.
    const server = await serverOnSameDatabase(env);
    try {
      const discovery = await fetch(`${server.url}/oauth2/master/.well-known/openid-configuration`);
      const { issuer } = (await discovery.json()) as { issuer: string };
      const clientId = client.client_id as string;
      const assertion = await new SignJWT({ jti: randomUUID() })
        .setProtectedHeader({ alg: 'ES256', kid: 'cli-1', typ: 'JWT' })
        .setIssuer(clientId)
        .setSubject(clientId)
        .setAudience(issuer)
        .setIssuedAt()
        .setExpirationTime('1m')
        .sign(privateKey);
      const token = await fetch(`${server.url}/oauth2/master/token`, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: clientId,
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
          client_assertion: assertion,
        }),
      });
      expect(token.status).toBe(200);
      expect(((await token.json()) as { scope: string }).scope).toBe('users:read');

      const admin = await fetch(`${server.url}/oauth2/master/token`, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: 'cli-check',
          client_secret: 'cli-check-secret-0123',
        }),
      });
      const headers = { authorization: `Bearer ${((await admin.json()) as { access_token: string }).access_token}` };
      const apps = await fetch(`${server.url}/api/v1/master/applications?search=CLI%20client&per_page=100`, {
        headers,
      });
      const listed = ((await apps.json()) as { data: { client_id: string; jwks_uri: string | null }[] }).data;
      expect(listed.find((app) => app.client_id === uriClient.client_id)).toMatchObject({
        jwks_uri: 'https://keys.example.com/jwks.json',
      });
    } finally {
      await server.close();
    }
  }, 90_000);

  it('creates a client whose secret gets a token with exactly its scopes; a running server holds the database', async () => {
    const wrongScope = await runRealmkit(
      ['create-client', '--realm', 'master', '--scopes', 'users:read,users:fly'],
      env,
    );
    expect(wrongScope.code).toBe(1);
    expect(wrongScope.stderr).toContain('has no scope users:fly; its scopes: applications:read');
    expect((await runRealmkit(['create-client', '--realm', 'nowhere', '--scopes', 'users:read'], env)).code).toBe(1);

    const created = await runRealmkit(
      ['create-client', '--realm', 'master', '--scopes', 'users:read users:write', '--name', 'CI bot', '--json'],
      env,
    );
    expect(created.code).toBe(0);
    const client = JSON.parse(created.stdout) as { client_id: string; client_secret: string; scopes: string[] };
    expect(client.scopes).toEqual(['users:read', 'users:write']);
    expect(created.stderr).not.toContain(client.client_secret);

    const server = spawnRealmkit(['start'], env);
    try {
      const port = await waitFor(
        'the server to listen',
        () => /"port":(\d+)[^\n]*Realmkit listening/.exec(server.stdout())?.[1],
        20_000,
      );
      // The database was set up by the commands above: this start is not a first start.
      expect(server.stdout()).not.toContain('client_secret');

      const response = await fetch(`http://127.0.0.1:${port}/oauth2/master/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: 'grant_type=client_credentials',
      });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { scope: string }).scope).toBe('users:read users:write');

      const blocked = await runRealmkit(['create-client', '--realm', 'master', '--scopes', 'users:read'], env);
      expect(blocked.code).toBe(1);
      expect(blocked.stderr).toMatch(/in use by process \d+/);

      const portTaken = await runRealmkit(['start'], {
        REALMKIT_DATA_DIR: path.join(dataDir, 'other'),
        PORT: port,
      });
      expect(portTaken.code).toBe(3);
      expect(portTaken.stderr).toBe(`realmkit start: port ${port} is in use: set PORT to a free port\n`);

      // Ctrl-C reaches the server directly and again, a moment later, through npm and the launcher:
      // one stop, which waits for the request in flight (its body not sent yet) instead of exiting.
      const socket = connect(Number(port), '127.0.0.1');
      await new Promise((resolve) => socket.once('connect', resolve));
      const body = JSON.stringify({ name: 'ctrl-c' }); // no token: a 401, once the body is in
      socket.write(
        `POST /api/v1/realms HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
      );
      let answer = '';
      socket.on('data', (chunk) => {
        answer += chunk;
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      server.child.kill('SIGINT');
      await new Promise((resolve) => setTimeout(resolve, 50));
      server.child.kill('SIGINT');
      await new Promise((resolve) => setTimeout(resolve, 100));
      socket.end(body);
      expect(await server.exited).toBe(0);
      expect(answer).toMatch(/^HTTP\/1\.1 401 /);
      expect(server.stdout()).toContain('"msg":"shut down"');
    } finally {
      server.child.kill('SIGKILL');
    }
    expect(server.stdout() + server.stderr()).not.toContain(client.client_secret);
    // Six processes, each starting Node and an embedded database: on a busy 2-core machine that
    // alone has taken 30 s, the default limit (as the shutdown and database-fault tests allow).
  }, 120_000);
});

describe('realmkit start: the heap flags of the server process (decision 0016)', () => {
  /** The command line the process with this pid runs now (`ps`: Linux and macOS alike). */
  const commandLine = (pid: number) => execFileSync('ps', ['-o', 'args=', '-p', String(pid)], { encoding: 'utf8' });

  it('restarts itself with them before loading the server: the same pid serves, and stops on SIGTERM', async () => {
    const server = await startServerProcess();
    try {
      const pid = server.child.pid as number;
      expect(commandLine(pid)).toContain(`${SERVER_HEAP_FLAGS.atStart.join(' ')} --conditions=realmkit-source`);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      expect(server.logs.find((line) => line.msg.startsWith('Realmkit listening'))?.pid).toBe(pid);
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
    } finally {
      await server.cleanUp();
    }
  });

  it("leaves them to the operator who sets any of them (NODE_OPTIONS or Node's command line)", async () => {
    const server = await startServerProcess({ NODE_OPTIONS: '--max-semi-space-size=16' });
    try {
      expect(commandLine(server.child.pid as number)).not.toContain('--max-semi-space-size=8');
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    } finally {
      await server.cleanUp();
    }
  });
});

// A PostgreSQL server to point DATABASE_URL at: the test run's, or the usual local one. CI always
// has one; on a newcomer's machine without one, `npm test` still passes on the embedded database.
const POSTGRES_URL = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const postgresAvailable = process.env.CI
  ? true
  : await reachable(POSTGRES_URL.hostname, Number(POSTGRES_URL.port || 5432));

async function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 1_000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

describe.skipIf(!postgresAvailable)('realmkit: DATABASE_URL naming a database that does not exist', () => {
  it('is a configuration error (exit 3), one line with the createdb command that makes it', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'realmkit-cli-nodb-'));
    const missing = new URL(POSTGRES_URL);
    const name = `realmkit_missing_${randomUUID().slice(0, 8)}`;
    const port = POSTGRES_URL.port || '5432';
    missing.pathname = `/${name}`;
    missing.port = port;
    try {
      for (const command of ['start', 'migrate']) {
        const run = await runRealmkit([command], {
          DATABASE_URL: missing.toString(),
          REALMKIT_DATA_DIR: dataDir,
          REALMKIT_SECRET_KEY: `${'A'.repeat(43)}=`,
          PORT: '0',
        });
        expect(run.code, run.stderr).toBe(3);
        expect(run.stderr).toMatch(new RegExp(`^realmkit ${command}: DATABASE_URL names database "${name}", .+\\n$`));
        expect(run.stderr).toContain(`createdb -h ${POSTGRES_URL.hostname} -p ${port}`);
        expect(run.stderr).toContain(` ${name})`);
        expect(run.stderr).not.toContain('    at '); // no stack trace
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
