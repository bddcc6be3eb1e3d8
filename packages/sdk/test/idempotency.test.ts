import { randomUUID } from 'node:crypto';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APIConnectionError, ClientCredentials, type Realmkit } from '../src/index.ts';
import { baseUrl, createRealm, masterClient } from './support/realmkit.ts';

/** What the proxy forwarded, and what the real server answered. */
interface Forwarded {
  method: string;
  path: string;
  idempotencyKey: string | undefined;
  status: number;
  replayed: string | undefined;
  /** The client never got this answer: the proxy dropped the connection instead. */
  lost: boolean;
}

/**
 * A proxy in front of the real server that loses the answer to the first Management API POST it
 * forwards: the server does the work, the client sees its connection drop. This is the failure
 * `Idempotency-Key` exists for, and one that only a real network path produces.
 */
async function lossyProxy(target: string) {
  const forwarded: Forwarded[] = [];
  let lostOne = false;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const upstream = request(
        new URL(req.url ?? '/', target),
        { method: req.method, headers: { ...req.headers, host: new URL(target).host } },
        (answer) => {
          const body: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => body.push(chunk));
          answer.on('end', () => {
            const lose = !lostOne && req.method === 'POST' && req.url?.startsWith('/api/') === true;
            forwarded.push({
              method: req.method ?? '',
              path: req.url ?? '',
              idempotencyKey: req.headers['idempotency-key'] as string | undefined,
              status: answer.statusCode ?? 0,
              replayed: answer.headers['idempotent-replayed'] as string | undefined,
              lost: lose,
            });
            if (lose) {
              lostOne = true;
              req.socket.destroy();
              return;
            }
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            res.end(Buffer.concat(body));
          });
        },
      );
      upstream.on('error', () => res.destroy());
      upstream.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    forwarded,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let realm: string;
let admin: Realmkit;
const proxies: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  ({ name: realm, admin } = await createRealm('sdk-idem'));
});
afterAll(async () => {
  await Promise.all(proxies.map((proxy) => proxy.close()));
});

async function throughLossyProxy() {
  const proxy = await lossyProxy(baseUrl);
  proxies.push(proxy);
  return { proxy, rk: masterClient({ baseUrl: proxy.url }).forRealm(realm) };
}

async function applicationsNamed(name: string) {
  return (await admin.applications.list({ search: name })).data.filter((app) => app.name === name);
}

describe('idempotencyKey against the real server', () => {
  it('a POST whose response was lost is retried with its key, and creates exactly one application', async () => {
    const { proxy, rk } = await throughLossyProxy();
    const name = `lost-answer-${randomUUID()}`;
    const key = randomUUID();

    const created = await rk.applications.create({ name, type: 'm2m' }, { idempotencyKey: key });

    const posts = proxy.forwarded.filter((f) => f.method === 'POST' && f.path.endsWith('/applications'));
    expect(posts).toEqual([
      expect.objectContaining({ idempotencyKey: key, status: 201, replayed: undefined, lost: true }),
      expect.objectContaining({ idempotencyKey: key, status: 201, replayed: 'true', lost: false }),
    ]);
    const stored = await applicationsNamed(name);
    expect(stored.map((app) => app.id)).toEqual([created.id]);
    // The secret shown once reached the caller after all: it is the real one.
    const token = await new ClientCredentials({
      baseUrl,
      realm,
      clientId: created.client_id,
      clientSecret: created.client_secret as string,
      maxRetries: 0,
    }).getToken();
    expect(token).toEqual(expect.any(String));
  });

  it('without a key the SDK does not retry that POST: the caller gets the error, and the server did create it', async () => {
    const { proxy, rk } = await throughLossyProxy();
    const name = `lost-answer-no-key-${randomUUID()}`;
    await expect(rk.applications.create({ name, type: 'spa' })).rejects.toBeInstanceOf(APIConnectionError);
    expect(proxy.forwarded.filter((f) => f.method === 'POST' && f.path.endsWith('/applications'))).toHaveLength(1);
    expect(await applicationsNamed(name)).toHaveLength(1);
  });
});
