import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { type AddressInfo, connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessLog } from '../src/http/access-log.ts';
import { chooseLogFormat, redactUrl } from '../src/http/logger.ts';
import { requestId } from '../src/http/request-id.ts';
import { createNotifier } from '../src/notifier/create-notifier.ts';
import { type CapturedLine, capturingLogger } from './support/capturing-logger.ts';
import { waitFor } from './support/outbox-helpers.ts';
import { spawnRealmkit } from './support/realmkit-process.ts';
import { PROCESS_ADMIN } from './support/server-process.ts';
import { startTestServer, type TestRealm, type TestServer } from './support/test-server.ts';

const capture = capturingLogger('trace');
let server: TestServer;
let admin: string;
let realm: TestRealm;

beforeAll(async () => {
  server = await startTestServer({ logger: capture.logger });
  admin = await server.masterToken();
  realm = await server.createRealm(admin, 'logging');
});
afterAll(() => server?.close());

/** The request log line of the response that carried `requestId`. */
function lineOf(requestId: string | null): CapturedLine | undefined {
  return capture.lines.find((line) => line.reqId === requestId && line.msg === 'request completed');
}

describe('logs', () => {
  it('are JSON lines, one per request, carrying its X-Request-Id', async () => {
    const response = await server.call('GET', `/api/v1/${realm.name}/users`, {
      token: admin,
      headers: { 'x-request-id': 'logging-request-1' },
    });
    expect(response.headers.get('x-request-id')).toBe('logging-request-1');
    expect(lineOf('logging-request-1')).toMatchObject({
      level: 30,
      reqId: 'logging-request-1',
      req: { method: 'GET', url: `/api/v1/${realm.name}/users` },
      res: { statusCode: 200 },
    });
    // Probes are left out when they succeed.
    const probe = await server.call('GET', '/healthz', { headers: { 'x-request-id': 'logging-probe' } });
    expect(probe.status).toBe(200);
    expect(capture.lines.some((line) => line.reqId === 'logging-probe')).toBe(false);
  });

  it('keep no trace of passwords, password digests, client secrets, tokens, cookies or the Authorization header', async () => {
    const secrets = {
      password: 'Log-Password-Never-Logged-1',
      digest: '$2b$04$LogDigestNeverLoggedLogDeOm7Qn8FqZp3W9hXkYsVt1uRcJa2G',
      clientSecret: 'log-client-secret-never-logged-0123456789',
      cookie: 'log-cookie-never-logged',
      verificationToken: 'log-verification-token-never-logged',
      querySecret: 'log-query-secret-never-logged',
    };
    const created = await server.expectCall(201, 'POST', `/api/v1/${realm.name}/users`, {
      token: admin,
      json: { email: 'logged@example.com', password: secrets.password },
      headers: { cookie: `session=${secrets.cookie}`, 'x-request-id': 'logging-secrets-1' },
    });
    await server.expectCall(201, 'POST', `/api/v1/${realm.name}/users`, {
      token: admin,
      json: { email: 'imported@example.com', password_digest: secrets.digest, password_algorithm: 'bcrypt' },
    });
    await server.expectCall(200, 'PATCH', `/api/v1/${realm.name}/users/${created.id}/password`, {
      token: admin,
      json: { password: secrets.password },
    });
    // client_secret_post, client_secret_basic, and a wrong secret (an OAuth error, 401).
    const client = await server.createRealmClient(realm.name, ['users:read']);
    await server.token(realm.name, client);
    const basic = Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64');
    const viaBasic = await server.call('POST', `/oauth2/${realm.name}/token`, {
      form: { grant_type: 'client_credentials' },
      headers: { authorization: `Basic ${basic}` },
    });
    expect(viaBasic.status).toBe(200);
    const refused = await server.call('POST', `/oauth2/${realm.name}/token`, {
      form: { grant_type: 'client_credentials', client_id: client.clientId, client_secret: secrets.clientSecret },
    });
    expect(refused.status).toBe(401);
    // A verification link (its token is in the URL) and a secret misplaced in a query string.
    const link = await server.call('GET', `/verify-email?token=${secrets.verificationToken}`, {
      headers: { 'x-request-id': 'logging-secrets-2' },
    });
    expect(link.status).toBeGreaterThanOrEqual(400);
    await server.call('GET', `/api/v1/${realm.name}/users?client_secret=${secrets.querySecret}&page=1`, {
      token: admin,
      headers: { 'x-request-id': 'logging-secrets-3' },
    });

    const logged = capture.text();
    const forbidden = [...Object.values(secrets), client.clientSecret, admin, basic, viaBasic.body.access_token];
    for (const secret of forbidden) expect(logged).not.toContain(secret);
    // The request line carries no headers at all (so no Authorization or Cookie to redact).
    expect(lineOf('logging-secrets-1')?.req).toEqual({
      method: 'POST',
      url: `/api/v1/${realm.name}/users`,
      remoteAddress: expect.any(String),
    });
    // Query secrets are redacted where they were, not dropped silently.
    expect(lineOf('logging-secrets-2')?.req).toMatchObject({ url: '/verify-email?token=[redacted]' });
    expect(lineOf('logging-secrets-3')?.req).toMatchObject({
      url: `/api/v1/${realm.name}/users?client_secret=[redacted]&page=1`,
    });
  });

  it('log a request whose client hung up before the answer as aborted', async () => {
    // A body announced as 100 bytes, 10 sent, then the connection closed: no response is sent.
    const { port } = new URL(server.url);
    await new Promise<void>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write(
          `POST /api/v1/${realm.name}/users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${admin}\r\n` +
            'X-Request-Id: logging-aborted-1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"email":',
          () => setTimeout(() => socket.destroy(), 50),
        );
      });
      socket.on('close', () => resolve());
      socket.on('error', reject);
    });
    await expect
      .poll(() => capture.lines.find((line) => line.reqId === 'logging-aborted-1'))
      .toMatchObject({
        msg: 'request aborted',
        req: { method: 'POST', url: `/api/v1/${realm.name}/users` },
        // What the server answered to a body cut short, though no one was there to read it.
        res: { statusCode: 400 },
      });
  });

  it('are at warn for a 503, at error for other 5xx, and leave out successful probes only', async () => {
    const app = express();
    app.use(requestId, accessLog(capture.logger));
    app.get('/healthz', (req, res) => void res.status(req.query.fail ? 503 : 200).end());
    app.get('/status/:code', (req, res) => void res.status(Number(req.params.code)).end());
    const listening = app.listen(0);
    await once(listening, 'listening');
    const { port } = listening.address() as AddressInfo;
    const get = (path: string, id: string) =>
      fetch(`http://127.0.0.1:${port}${path}`, { headers: { 'x-request-id': id } }).then((r) => r.arrayBuffer());
    try {
      await get('/status/500', 'levels-500');
      await get('/status/503', 'levels-503');
      await get('/status/404', 'levels-404');
      await get('/healthz', 'levels-probe-ok');
      await get('/healthz?fail=1', 'levels-probe-failed');
    } finally {
      listening.close();
    }
    const levelOf = (id: string) => capture.lines.find((line) => line.reqId === id)?.level;
    expect(levelOf('levels-500')).toBe(50);
    expect(levelOf('levels-503')).toBe(40);
    expect(levelOf('levels-404')).toBe(30);
    expect(levelOf('levels-probe-ok')).toBeUndefined();
    expect(levelOf('levels-probe-failed')).toBe(40);
  });

  it('redact secret query parameters wherever they are in a URL', () => {
    expect(redactUrl('/a?x=1&token=abc&access_token=def#frag')).toBe(
      '/a?x=1&token=[redacted]&access_token=[redacted]#frag',
    );
    expect(redactUrl('/a?tokens=kept&password=p')).toBe('/a?tokens=kept&password=[redacted]');
  });
});

describe('the log format (issue 23, item 14)', () => {
  it('is REALMKIT_LOG_FORMAT when set; otherwise JSON in production, pretty on a terminal, JSON elsewhere', () => {
    expect(chooseLogFormat(undefined, false, true)).toBe('pretty');
    expect(chooseLogFormat(undefined, false, false)).toBe('json');
    expect(chooseLogFormat(undefined, true, true)).toBe('json');
    expect(chooseLogFormat(undefined, true, false)).toBe('json');
    expect(chooseLogFormat('pretty', true, false)).toBe('pretty');
    expect(chooseLogFormat('json', false, true)).toBe('json');
  });

  it('is lines for a person with REALMKIT_LOG_FORMAT=pretty: time, level, message; a request as one line', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'realmkit-pretty-'));
    const server = spawnRealmkit(['start'], {
      PORT: '0',
      REALMKIT_DATA_DIR: dataDir,
      REALMKIT_BOOTSTRAP_CLIENT_ID: PROCESS_ADMIN.clientId,
      REALMKIT_BOOTSTRAP_CLIENT_SECRET: PROCESS_ADMIN.clientSecret,
      REALMKIT_LOG_FORMAT: 'pretty',
      // The operator's setting wins over production's default (JSON).
      NODE_ENV: 'production',
    });
    try {
      const listening = await waitFor(
        'the server to listen',
        () => /^.*Realmkit listening.*$/m.exec(server.stdout())?.[0],
        60_000,
      );
      expect(listening).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: Realmkit listening on http:\/\/localhost:0; /);
      const port = /"port":(\d+)/.exec(listening)?.[1];
      const response = await fetch(`http://127.0.0.1:${port}/api/v1/master/users?page=2`, {
        headers: { 'x-request-id': 'pretty-1' },
      });
      expect(response.status).toBe(401);
      const requestLine = await waitFor('the request line', () => /^.*pretty-1.*$/m.exec(server.stdout())?.[0]);
      expect(requestLine).toMatch(
        /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: GET \/api\/v1\/master\/users\?page=2 401 [\d.]+ ms \{"reqId":"pretty-1"\}$/,
      );
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
      const lines = server.stdout().split('\n').filter(Boolean);
      expect(lines.at(-1)).toMatch(/INFO: shut down$/);
      // No JSON line, and no colours: the output is not a terminal.
      for (const line of lines) expect(line.startsWith('{') || line.includes('\u001b[')).toBe(false);
    } finally {
      server.child.kill('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});

describe('emails logged for want of SMTP_URL (issue 23, item 14)', () => {
  /** Has the realm's notifier (no SMTP_URL) handle a verification email for a new user; its log line. */
  async function loggedEmail(production: boolean, name: string): Promise<CapturedLine> {
    const user = await server.expectCall(201, 'POST', `/api/v1/${realm.name}/users`, {
      token: admin,
      json: { email: `${name}@example.com` },
    });
    await server.expectCall(202, 'POST', `/api/v1/${realm.name}/users/${user.id}/send-verify-email`, { token: admin });
    const notifier = createNotifier(
      server.services,
      {
        issuerUrl: server.url,
        smtpUrl: undefined,
        smtpFrom: 'Realmkit <no-reply@localhost>',
        templatesDir: undefined,
        eventsUrl: undefined,
        production,
      },
      capture.logger,
      { realmId: realm.id, pollIntervalMs: 50 },
    );
    notifier.start();
    try {
      return await waitFor('the email to be logged', () =>
        capture.lines.find((line) => line.to === `${name}@example.com` && line.component === 'notifier'),
      );
    } finally {
      await notifier.stop();
    }
  }

  it('carry the link with its token outside production (the documented development convenience)', async () => {
    const line = await loggedEmail(false, 'logged-link-dev');
    expect(line.msg).toBe('email not sent (SMTP_URL is not set); logged instead');
    const link = String(line.link);
    expect(link).toMatch(new RegExp(`^${server.url}/verify-email\\?token=[^[]+$`));
    // It works: a developer opens it from the log.
    expect((await fetch(link)).status).toBe(200);
  });

  it('never carry the token with NODE_ENV=production: the recipient, the subject, the link without it', async () => {
    const before = capture.lines.length;
    const line = await loggedEmail(true, 'logged-link-prod');
    expect(line).toMatchObject({
      msg: "email not sent (SMTP_URL is not set); logged without its link's token (NODE_ENV=production)",
      to: 'logged-link-prod@example.com',
      subject: `Verify your email address for ${realm.name}`,
      link: `${server.url}/verify-email?token=[redacted]`,
    });
    // No token anywhere in what was logged since.
    const since = JSON.stringify(capture.lines.slice(before));
    expect(since).not.toMatch(/token=(?!\[redacted\])/);
  });
});
