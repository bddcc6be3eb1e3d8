import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
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

describe('realmkit: help, version, exit codes', () => {
  it('prints the version and the help, exit 0', async () => {
    expect(await runRealmkit(['--version'])).toMatchObject({ code: 0, stdout: `${serverPackage.version}\n` });
    const help = await runRealmkit(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['start', 'migrate', 'notifier', 'create-client', 'create-admin']) {
      expect(help.stdout).toContain(command);
    }
    const commandHelp = await runRealmkit(['create-client', '--help']);
    expect(commandHelp).toMatchObject({ code: 0 });
    expect(commandHelp.stdout).toContain('--scopes');
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
  });

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
    const server = await startServer(
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
      expect(portTaken.code).toBe(1);
      expect(portTaken.stderr).toContain(`port ${port} is in use`);

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
