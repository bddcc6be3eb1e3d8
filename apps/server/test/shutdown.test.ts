import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainable } from '../src/http/graceful-shutdown.ts';
import { capturingLogger } from './support/capturing-logger.ts';
import { freshDatabase } from './support/fresh-database.ts';
import { waitFor } from './support/outbox-helpers.ts';
import { PROCESS_ADMIN, type ServerProcess, startServerProcess } from './support/server-process.ts';
import { startTestServer } from './support/test-server.ts';

/** A response, or the error that came instead, of one request of the load. */
interface Sent {
  id: string;
  status?: number;
  connection?: string;
  error?: NodeJS.ErrnoException;
  /** The request went out on a kept-alive connection (Node's `req.reusedSocket`). */
  reusedSocket?: boolean;
}

/** Sends one request through `agent`; resolves with what came back, never rejects. */
function send(
  agent: Agent,
  url: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<Omit<Sent, 'id'>> {
  return new Promise((resolve) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(`${url}${path}`, {
      method,
      agent,
      headers: { ...headers, ...(payload ? { 'content-type': 'application/json' } : {}) },
    });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () =>
        resolve({ status: res.statusCode, connection: res.headers.connection, reusedSocket: req.reusedSocket }),
      );
    });
    req.on('error', (error) => resolve({ error, reusedSocket: req.reusedSocket }));
    req.end(payload);
  });
}

describe('SIGTERM under load (a real server process)', () => {
  let server: ServerProcess;

  beforeAll(async () => {
    server = await startServerProcess({ REALMKIT_ISSUER_URL: 'http://realmkit.process.test' });
  });
  afterAll(() => server?.cleanUp());

  it('finishes every request it accepted with its normal status, then exits 0', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 6 });
    const tokenResponse = await fetch(`${server.url}/oauth2/master/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: PROCESS_ADMIN.clientId,
        client_secret: PROCESS_ADMIN.clientSecret,
      }),
    });
    const { access_token: token } = (await tokenResponse.json()) as { access_token: string };
    const realm = `shutdown-${randomBytes(4).toString('hex')}`;
    const auth = { authorization: `Bearer ${token}` };
    expect((await send(agent, server.url, 'POST', '/api/v1/realms', auth, { name: realm })).status).toBe(201);

    const sent: Sent[] = [];
    const inFlight = new Set<Sent>();
    let inFlightAtSignal: Sent[] = [];
    let next = 0;

    // Workers creating users (an argon2 hash each: requests that take a while) and listing them,
    // until the server stops taking connections.
    const worker = async () => {
      for (;;) {
        const entry: Sent = { id: `shutdown-load-${next++}` };
        const headers = { ...auth, 'x-request-id': entry.id };
        inFlight.add(entry);
        const result =
          next % 3 === 0
            ? await send(agent, server.url, 'GET', `/api/v1/${realm}/users?per_page=5`, headers)
            : await send(agent, server.url, 'POST', `/api/v1/${realm}/users`, headers, {
                email: `${entry.id}@example.com`,
                password: 'shutdown-password-1',
              });
        inFlight.delete(entry);
        Object.assign(entry, result);
        sent.push(entry);
        if (entry.error) return;
      }
    };
    const workers = Promise.all(Array.from({ length: 6 }, worker));

    await new Promise<void>((resolve) => {
      const check = () => {
        if (sent.filter((entry) => entry.status).length >= 30 && inFlight.size > 0) {
          inFlightAtSignal = [...inFlight];
          server.child.kill('SIGTERM');
          return resolve();
        }
        setTimeout(check, 5);
      };
      check();
    });
    await workers;
    const code = await server.exited;
    agent.destroy();

    expect(code).toBe(0);
    // What the server handled, by request id, from its own request log lines.
    const handled = new Map(
      server.logs
        .filter((line) => typeof line.reqId === 'string' && line.reqId.startsWith('shutdown-load-'))
        .map((line) => [line.reqId as string, line]),
    );
    const byId = new Map(sent.map((entry) => [entry.id, entry]));

    // Every request in flight when SIGTERM came finished with its normal status.
    expect(inFlightAtSignal.length).toBeGreaterThan(0);
    for (const entry of inFlightAtSignal) {
      expect([200, 201], `${entry.id}: ${entry.error?.message}`).toContain(entry.status);
    }
    // Every request the server took in answered as logged: none was cut mid-flight.
    for (const [id, line] of handled) {
      expect(line.msg, id).toBe('request completed');
      expect(byId.get(id)?.status, id).toBe((line.res as { statusCode: number }).statusCode);
    }
    // Every request that answered, answered normally, before and after SIGTERM.
    const answered = sent.filter((entry) => entry.status !== undefined);
    expect(new Set(answered.map((entry) => entry.status))).toEqual(new Set([200, 201]));
    // What was answered while draining (logged after "shutting down") told keep-alive clients to go.
    const drainStart = server.logs.findIndex((line) => line.msg === 'shutting down: draining requests in flight');
    const drained = server.logs.slice(drainStart).filter((line) => handled.get(line.reqId as string) === line);
    expect(drained.length).toBeGreaterThan(0);
    for (const line of drained) expect(byId.get(line.reqId as string)?.connection, String(line.reqId)).toBe('close');
    // The only failures are connections the server no longer accepted: refused, or an idle kept-alive
    // connection it closed as the request went out (Node's documented keep-alive race). It never saw those.
    const failed = sent.filter((entry) => entry.error);
    expect(failed.length).toBeGreaterThan(0);
    for (const entry of failed) {
      const refused = entry.error?.code === 'ECONNREFUSED';
      const raced = entry.reusedSocket === true && entry.error?.code === 'ECONNRESET';
      expect(refused || raced, `${entry.id}: ${entry.error?.code} ${entry.error?.message}`).toBe(true);
      expect(handled.has(entry.id), entry.id).toBe(false);
    }
    const messages = server.logs.map((line) => line.msg);
    expect(messages).toContain('shutting down: draining requests in flight');
    expect(messages.at(-1)).toBe('shut down');
  }, 120_000);
});

describe('the drain timeout (REALMKIT_SHUTDOWN_TIMEOUT_MS)', () => {
  it('cuts the connections of requests still unanswered when it runs out, logs it, and finishes the shutdown', async () => {
    const { logger, lines } = capturingLogger('warn');
    const server = await startTestServer({ config: { shutdownTimeoutMs: 200 }, logger });
    const { port } = new URL(server.url);

    // A request whose body never finishes: it stays in flight until its connection is cut.
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(
      'POST /api/v1/realms HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{',
    );
    const closed = new Promise((resolve) => socket.once('close', resolve));
    socket.on('error', () => {});

    await server.close();
    await closed;
    expect(lines.map((line) => line.msg)).toContain(
      'shutdown timeout: cut the connections of requests still in flight',
    );
    expect(lines.find((line) => line.msg.startsWith('shutdown timeout'))).toMatchObject({
      requests: 1,
      timeoutMs: 200,
    });
  });
});

/**
 * Keeps the server's libuv threadpool busy, as a password-hashing storm does: `count` user
 * creations (an argon2 hash each, on the threadpool), each on its own connection, which hang up
 * once the first is answered. Their hashes stay queued: whatever else needs the threadpool then
 * (an asynchronous file write) waits behind them.
 */
async function hashStorm(url: string, token: string, realm: string, count: number): Promise<void> {
  const { port } = new URL(url);
  const sockets = [];
  let answered = () => {};
  const first = new Promise<void>((resolve) => {
    answered = resolve;
  });
  for (let i = 0; i < count; i++) {
    const body = JSON.stringify({ email: `storm-${i}@example.com`, password: `storm-password-${i}-long` });
    const socket = connect(Number(port), '127.0.0.1');
    socket.on('error', () => {});
    socket.once('data', () => answered());
    socket.write(
      `POST /api/v1/${realm}/users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    sockets.push(socket);
  }
  await first;
  for (const socket of sockets) socket.destroy();
}

describe('a response the app destroyed (an error after its head went out), at a stop', () => {
  it('is finished: the drain does not wait for the deadline', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{');
      setImmediate(() => res.destroy());
    });
    const http = drainable(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await fetch(`http://127.0.0.1:${port}/`)
      .then((response) => response.text())
      .catch(() => {});
    expect(await http.drain(10_000)).toEqual({ cutRequests: 0 });
  });
});

describe('a database connection never given back, at a stop', () => {
  it('holds the stop up for REALMKIT_SHUTDOWN_TIMEOUT_MS at most, then logs it', async () => {
    const { logger, lines } = capturingLogger('warn');
    const server = await startTestServer({ config: { shutdownTimeoutMs: 300 }, logger });
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    // A transaction that keeps its pool client until the test lets it go: the pool cannot end before.
    let began = () => {};
    const begun = new Promise<void>((resolve) => {
      began = resolve;
    });
    const transaction = server.services.orm.em.fork().transactional(async (em) => {
      await em.execute('select 1');
      began();
      await held;
    });
    await begun;
    await server.close();
    release();
    await transaction.catch(() => {});
    expect(lines.map((line) => line.msg)).toContain(
      'shutdown timeout: the database pool did not close; stopping without it',
    );
  });
});

describe('a request whose client hung up, at a stop', () => {
  it('is finished (the user and its audit entry written) before the database pool closes', async () => {
    const { logger, lines } = capturingLogger('error');
    const server = await startTestServer({ logger });
    const admin = await server.masterToken();
    const realm = await server.createRealm(admin, 'hung-up');
    // Creations whose clients hang up once the first is answered: their hashes are still queued.
    await hashStorm(server.url, admin, realm.name, 16);
    await server.close();

    const after = await startTestServer();
    try {
      const token = await after.masterToken();
      const users = await after.call('GET', `/api/v1/${realm.name}/users?per_page=1`, { token });
      const audited = await after.call('GET', `/api/v1/${realm.name}/audit-logs?action=user.created&per_page=1`, {
        token,
      });
      expect(users.body.meta.total).toBeGreaterThan(1);
      expect(audited.body.meta.total).toBe(users.body.meta.total);
      expect(lines.map((line) => `${line.msg}: ${(line.err as { message?: string } | undefined)?.message}`)).toEqual(
        [],
      );
    } finally {
      await after.close();
    }
  });
});

describe('the last lines of a stop, with the output going to a file (issue 23, item 14)', () => {
  it('are both there, "shutting down" before "shut down", "shut down" last, at every SIGINT stop', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'realmkit-stop-lines-'));
    // A database served to the processes (on the embedded run, a PGlite of the test's own on
    // loopback): five starts that each opened an embedded database would take seconds apiece. The
    // embedded database's own stop is the SIGTERM test's, above.
    const database = await freshDatabase('stoplines');
    const serverDir = fileURLToPath(new URL('..', import.meta.url));
    const { DATABASE_URL: _ignored, ...inherited } = process.env;
    try {
      for (let stop = 1; stop <= 5; stop++) {
        const file = path.join(dataDir, `stop-${stop}.log`);
        const fd = openSync(file, 'w');
        // stdout and stderr to one file, as `npm start > file 2>&1` does.
        const child = spawn(process.execPath, ['--conditions=realmkit-source', 'src/cli/main.ts', 'start'], {
          cwd: serverDir,
          env: {
            ...inherited,
            LOG_LEVEL: 'info',
            PORT: '0',
            REALMKIT_DATA_DIR: path.join(dataDir, 'data'),
            REALMKIT_BOOTSTRAP_CLIENT_ID: PROCESS_ADMIN.clientId,
            REALMKIT_BOOTSTRAP_CLIENT_SECRET: PROCESS_ADMIN.clientSecret,
            // One thread: the storm below fills it for a while (four would take four times the hashes).
            UV_THREADPOOL_SIZE: '1',
            DATABASE_URL: database.url,
          },
          stdio: ['ignore', fd, fd],
        });
        closeSync(fd);
        const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
        try {
          const port = await waitFor(
            'the server to listen',
            async () => /"port":(\d+)[^\n]*Realmkit listening/.exec(await readFile(file, 'utf8'))?.[1],
            60_000,
          );
          const url = `http://127.0.0.1:${port}`;
          const tokenResponse = await fetch(`${url}/oauth2/master/token`, {
            method: 'POST',
            body: new URLSearchParams({
              grant_type: 'client_credentials',
              client_id: PROCESS_ADMIN.clientId,
              client_secret: PROCESS_ADMIN.clientSecret,
            }),
          });
          const { access_token: token } = (await tokenResponse.json()) as { access_token: string };
          const realm = `stop-lines-${stop}-${randomBytes(3).toString('hex')}`;
          const created = await fetch(`${url}/api/v1/realms`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify({ name: realm }),
          });
          expect(created.status).toBe(201);
          await hashStorm(url, token, realm, 8);
          child.kill('SIGINT');
          // Bounded, and with the server's own lines: a stop that hangs says where it stopped.
          const code = await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 30_000, 'hung'))]);
          expect(code, `stop ${stop}: ${await readFile(file, 'utf8')}`).toBe(0);
        } finally {
          child.kill('SIGKILL');
        }
        const messages = (await readFile(file, 'utf8'))
          .split('\n')
          .filter((line) => line.startsWith('{'))
          .map((line) => (JSON.parse(line) as { msg: string }).msg);
        const shuttingDown = messages.indexOf('shutting down: draining requests in flight');
        expect(shuttingDown, `stop ${stop}: ${messages.join(' | ')}`).toBeGreaterThan(0);
        expect(messages.indexOf('shut down'), `stop ${stop}: ${messages.join(' | ')}`).toBe(messages.length - 1);
        expect(shuttingDown).toBeLessThan(messages.length - 1);
      }
    } finally {
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 300_000);
});
