import { once } from 'node:events';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import { OUTBOUND_FETCH_LIMITS } from '@realmkit/contract';
import { errors, exportJWK, generateKeyPair, type JWK, type JWTVerifyGetKey, jwtVerify, SignJWT } from 'jose';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { isLoopbackAddress, isPublicAddress } from '../src/outbound/address-policy.ts';
import { OutboundFetchError } from '../src/outbound/outbound-fetch-error.ts';
import { RemoteKeys } from '../src/outbound/remote-keys.ts';
import { createSafeFetch, type OutboundLimits, type Resolve } from '../src/outbound/safe-fetch.ts';
import { SELF_SIGNED_LOCALHOST } from './support/self-signed-certificate.ts';

// What Realmkit fetches from URLs clients name (src/outbound/): the address rules, the safe fetch
// and the remote key sets, against node:http servers on loopback addresses. Names resolve through
// an injected resolver, and every socket the process opens is counted (and, where a test expects
// none, refused before it connects): no packet leaves the machine.

const LIMITS = OUTBOUND_FETCH_LIMITS;
/** The limits with a time limit short enough for a test to wait it out. */
const QUICK: OutboundLimits = { ...LIMITS, timeoutSeconds: 0.2 };

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

interface LocalServer {
  /** `http://127.0.0.1:<port>`, or the scheme and host it listens on. */
  origin: string;
  port: number;
  /** The paths (with query) of the requests it received, in order. */
  requests: string[];
  /** The TLS server names (SNI) clients sent it. */
  servernames: string[];
  hits(path: string): number;
}

const closers: (() => void)[] = [];
afterAll(() => {
  for (const close of closers) close();
});

async function listen(handler: Handler, options: { host?: string; tls?: boolean } = {}): Promise<LocalServer> {
  const host = options.host ?? '127.0.0.1';
  const requests: string[] = [];
  const servernames: string[] = [];
  const onRequest: Handler = (req, res) => {
    requests.push(req.url ?? '');
    handler(req, res);
  };
  const server = options.tls
    ? https.createServer(
        {
          ...SELF_SIGNED_LOCALHOST,
          SNICallback: (servername, callback) => {
            servernames.push(servername);
            callback(null, undefined);
          },
        },
        onRequest,
      )
    : http.createServer(onRequest);
  server.listen(0, host);
  await once(server, 'listening');
  closers.push(() => {
    server.closeAllConnections();
    server.close();
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `${options.tls ? 'https' : 'http'}://${host}:${port}`,
    port,
    requests,
    servernames,
    hits: (path) => requests.filter((request) => request === path).length,
  };
}

/** A server answering JSON (or a status alone) by path, and 404 elsewhere. */
function jsonServer(routes: Record<string, () => { status?: number; body?: unknown }>): Promise<LocalServer> {
  return listen((req, res) => {
    const route = routes[req.url ?? ''];
    const { status = 200, body } = route ? route() : { status: 404 };
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** A resolver that knows only `names` (asked for another, it fails like getaddrinfo), noting each name asked. */
function resolverOf(names: Record<string, string[] | (() => string[])>): { resolve: Resolve; asked: string[] } {
  const asked: string[] = [];
  const resolve: Resolve = async (hostname) => {
    asked.push(hostname);
    const entry = names[hostname];
    if (entry === undefined) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return (typeof entry === 'function' ? entry() : entry).map((address) => ({
      address,
      family: net.isIP(address),
    }));
  };
  return { resolve, asked };
}

/**
 * Every socket the process opens goes through net.Socket's `connect` (TLS sockets too): counted,
 * and refused, before anything is sent, beyond `allowed`. A fetch wrongly let through to a private
 * address fails its test instead of sending a packet there.
 */
const connections = { count: 0, allowed: Number.POSITIVE_INFINITY };
const realConnect = net.Socket.prototype.connect;
beforeAll(() => {
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    connections.count++;
    if (connections.count > connections.allowed) throw new Error('a connection no test expects');
    return (realConnect as (...args: unknown[]) => net.Socket).apply(this, args);
  } as typeof realConnect;
});
afterAll(() => {
  net.Socket.prototype.connect = realConnect;
});
beforeEach(() => {
  connections.count = 0;
  connections.allowed = Number.POSITIVE_INFINITY;
});

/** The OutboundFetchError `promise` rejects with. */
async function failureOf(promise: Promise<unknown>): Promise<OutboundFetchError> {
  const error = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(error).toBeInstanceOf(OutboundFetchError);
  return error as OutboundFetchError;
}

const bracketed = (address: string) => (address.includes(':') ? `[${address}]` : address);

const PRIVATE_ADDRESSES = [
  '10.0.0.7',
  '192.168.1.1',
  '172.16.0.1',
  '169.254.169.254',
  '100.64.0.1',
  'fd00::1',
  'fe80::1',
  '::ffff:10.0.0.1',
];

describe('isPublicAddress', () => {
  const PUBLIC = [
    '93.184.216.34',
    '8.8.8.8',
    '1.1.1.1',
    '172.15.255.255', // just below 172.16/12
    '172.32.0.0', // just above it
    '100.63.255.255', // just below 100.64/10
    '100.128.0.0', // just above it
    '2606:4700::1',
    '2001:4860:4860::8888',
    '::ffff:93.184.216.34', // IPv4-mapped: judged by the IPv4 address
    '64:ff9b::5db8:d822', // NAT64 of 93.184.216.34
    '64:ff9b::93.184.216.34', // the same, dotted
    '2002:5db8:d822::1', // 6to4 of 93.184.216.34
  ];
  const NOT_PUBLIC = [
    ...PRIVATE_ADDRESSES,
    '127.0.0.1',
    '127.255.255.254',
    '10.255.255.255',
    '172.31.255.255',
    '192.168.255.255',
    '169.254.0.1',
    '100.127.255.255',
    '0.0.0.0',
    '0.1.2.3',
    '255.255.255.255',
    '224.0.0.1',
    '239.255.255.250',
    '240.0.0.1',
    '192.0.0.1',
    '192.0.2.1',
    '198.18.0.1',
    '198.51.100.1',
    '203.0.113.1',
    '::',
    '::1',
    'fe80::1%eth0',
    'febf::1',
    'fc00::1',
    'fdff:ffff::1',
    'ff02::1',
    'fec0::1', // site-local (deprecated)
    '2001:db8::1', // documentation
    '100::1', // discard
    '::ffff:127.0.0.1',
    '::ffff:169.254.169.254',
    '::ffff:0:10.0.0.1', // IPv4-translated
    '::10.0.0.1', // IPv4-compatible (deprecated)
    '::93.184.216.34', // IPv4-compatible of a public address: not routable either
    '::127.0.0.1', // IPv4-compatible, not loopback either
    '64:ff9b::a00:1', // NAT64 of 10.0.0.1
    '64:ff9b::10.0.0.1', // the same, dotted
    '64:ff9b:1::5db8:d822', // local-use NAT64 prefix (RFC 8215)
    '2002:a00:1::1', // 6to4 of 10.0.0.1
    '2002:7f00:1::1', // 6to4 of 127.0.0.1
    '2001:0:4136:e378:8000:63bf:f5ff:fffe', // Teredo, client 10.0.0.1 (inverted in the last 32 bits)
    'localhost',
    '',
    '1.2.3',
    '0x7f.1',
    '2130706433',
    'not an address',
  ];

  it.each(PUBLIC)('%s is public', (ip) => {
    expect(isPublicAddress(ip)).toBe(true);
  });

  it.each(NOT_PUBLIC)('%j is not public', (ip) => {
    expect(isPublicAddress(ip)).toBe(false);
  });

  it('knows loopback addresses, IPv4-mapped ones included', () => {
    for (const ip of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) expect(isLoopbackAddress(ip)).toBe(true);
    for (const ip of [
      '10.0.0.1',
      '0.0.0.0',
      '::',
      '::127.0.0.1',
      '::ffff:10.0.0.1',
      '93.184.216.34',
      'localhost',
      '',
    ]) {
      expect(isLoopbackAddress(ip)).toBe(false);
    }
  });
});

describe('the safe fetch, loopback not allowed', () => {
  it('refuses plain http, loopback addresses and localhost before connecting: the local server sees nothing', async () => {
    const server = await listen((_req, res) => res.end('{}'));
    const { resolve, asked } = resolverOf({});
    const fetch = createSafeFetch({ allowLoopback: false, resolve });
    connections.allowed = 0;

    const scheme = await failureOf(fetch(`${server.origin}/jwks`));
    expect(scheme.code).toBe('url_not_allowed');
    expect(scheme.message).toBe(`${server.origin}/jwks must use https`);
    for (const url of [
      `https://127.0.0.1:${server.port}/`,
      `https://127.1.2.3:${server.port}/`,
      `https://[::1]:${server.port}/`,
      `https://[::ffff:127.0.0.1]:${server.port}/`,
      `https://0.0.0.0:${server.port}/`,
      `https://localhost:${server.port}/`,
      `https://keys.localhost:${server.port}/`,
    ]) {
      const error = await failureOf(fetch(url));
      expect(error.code, url).toBe('address_not_allowed');
      expect(error.message).toMatch(/ (is|resolves to) a private or reserved address$/);
    }
    // localhost is loopback by its name alone: no resolver asked.
    expect(asked).toEqual([]);
    expect(connections.count).toBe(0);
    expect(server.requests).toEqual([]);
  });
});

describe.each([false, true])('the safe fetch, loopback allowed: %s', (allowLoopback) => {
  it.each(PRIVATE_ADDRESSES)(
    'refuses a name resolving to %s without connecting, and names no address',
    async (address) => {
      const { resolve, asked } = resolverOf({ 'keys.internal.test': [address] });
      const fetch = createSafeFetch({ allowLoopback, resolve });
      connections.allowed = 0;

      const error = await failureOf(fetch('https://keys.internal.test/jwks'));
      expect(error.code).toBe('address_not_allowed');
      expect(error.message).toBe('keys.internal.test resolves to a private or reserved address');
      expect(asked).toEqual(['keys.internal.test']);

      // Written as the URL's host, the address is refused as well.
      const literal = await failureOf(fetch(`https://${bracketed(address)}/jwks`));
      expect(literal.code).toBe('address_not_allowed');
      expect(connections.count).toBe(0);
    },
  );

  it('refuses a name when any one of its addresses is not public', async () => {
    const { resolve } = resolverOf({ 'keys.mixed.test': ['93.184.216.34', '10.0.0.7'] });
    connections.allowed = 0;
    const error = await failureOf(createSafeFetch({ allowLoopback, resolve })('https://keys.mixed.test/jwks'));
    expect(error.code).toBe('address_not_allowed');
    expect(error.message).not.toContain('10.0.0.7');
    expect(connections.count).toBe(0);
  });

  it('reports a name that does not resolve', async () => {
    const { resolve } = resolverOf({});
    connections.allowed = 0;
    const error = await failureOf(createSafeFetch({ allowLoopback, resolve })('https://keys.unknown.test/jwks'));
    expect(error.code).toBe('network');
    expect(error.message).toBe('keys.unknown.test could not be resolved');
  });
});

describe('the safe fetch, loopback allowed', () => {
  const { resolve } = resolverOf({ 'keys.internal.test': ['10.0.0.7'] });
  const fetch = createSafeFetch({ allowLoopback: true, resolve });

  it('GETs from a loopback address over http, with the caller headers, and answers a Response', async () => {
    let seen: IncomingMessage | undefined;
    const server = await listen((req, res) => {
      seen = req;
      res.writeHead(200, { 'content-type': 'application/json', 'x-answer': 'yes' });
      res.end('{"keys":[]}');
    });
    const response = await fetch(`${server.origin}/jwks?tenant=a`, { headers: { accept: 'application/json' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-answer')).toBe('yes');
    expect(await response.json()).toEqual({ keys: [] });
    expect(server.requests).toEqual(['/jwks?tenant=a']);
    expect(seen?.method).toBe('GET');
    expect(seen?.headers.accept).toBe('application/json');
    expect(seen?.headers.host).toBe(`127.0.0.1:${server.port}`);
    // The connection guard sees what the refusals above did not make.
    expect(connections.count).toBe(1);
  });

  it('connects to the address it checked, resolving the name once: a DNS rebinding cannot swap it', async () => {
    // Nothing listens on 127.0.0.1 at this port: only the address the injected resolver gave reaches the server.
    const server = await listen((req, res) => res.end(req.headers.host), { host: '127.0.0.2' });
    let answers = 0;
    const rebinding = resolverOf({ localhost: () => (answers++ === 0 ? ['127.0.0.2'] : ['127.0.0.3']) });
    const response = await createSafeFetch({ allowLoopback: true, resolve: rebinding.resolve })(
      `http://localhost:${server.port}/`,
    );
    expect(await response.text()).toBe(`localhost:${server.port}`);
    expect(rebinding.asked).toEqual(['localhost']);
  });

  it('refuses a redirect to a private address: by the URL rule for http, by the address for https', async () => {
    const server = await listen((req, res) => {
      const location = req.url === '/to-http' ? 'http://keys.internal.test/' : 'https://keys.internal.test/jwks';
      res.writeHead(302, { location });
      res.end();
    });
    connections.allowed = 1;
    const plain = await failureOf(fetch(`${server.origin}/to-http`));
    expect(plain.code).toBe('url_not_allowed');
    expect(plain.message).toBe(
      `${server.origin}/to-http redirects to http://keys.internal.test/, which must use https (http only to a loopback address)`,
    );

    connections.count = 0;
    const secure = await failureOf(fetch(`${server.origin}/to-https`));
    expect(secure.code).toBe('address_not_allowed');
    expect(secure.message).toBe('keys.internal.test resolves to a private or reserved address');
    expect(server.requests).toEqual(['/to-http', '/to-https']);
  });

  it('follows maxRedirects redirects of every kind, and refuses one more', async () => {
    const server = await listen((req, res) => {
      const [, kind, count] = (req.url ?? '').split('/');
      if (kind === 'hop' && count !== '0') {
        res.writeHead(302, { location: `/hop/${Number(count) - 1}` });
        return res.end();
      }
      if (kind === 'status') {
        res.writeHead(Number(count), { location: `${server.origin}/hop/0#fragment` });
        return res.end();
      }
      if (kind === 'loop') {
        res.writeHead(307, { location: '/loop' });
        return res.end();
      }
      res.end('arrived');
    });
    const max = LIMITS.maxRedirects;

    expect(await (await fetch(`${server.origin}/hop/${max}`)).text()).toBe('arrived');
    for (const status of [301, 302, 303, 307, 308]) {
      expect(await (await fetch(`${server.origin}/status/${status}`)).text()).toBe('arrived');
    }

    const tooMany = await failureOf(fetch(`${server.origin}/hop/${max + 1}`));
    expect(tooMany.code).toBe('too_many_redirects');
    expect(server.hits('/hop/0')).toBe(1 + 5);

    const loop = await failureOf(fetch(`${server.origin}/loop`));
    expect(loop.code).toBe('too_many_redirects');
    expect(loop.message).toBe(`${server.origin}/loop redirects more than ${max} times`);
    expect(server.hits('/loop')).toBe(max + 1);
  });

  it('takes a body of maxBytes, and refuses a longer one, declared or streamed', async () => {
    const server = await listen((req, res) => {
      if (req.url === '/exact') return res.end(Buffer.alloc(LIMITS.maxBytes, 'a'));
      if (req.url === '/declared') return res.end(Buffer.alloc(LIMITS.maxBytes + 1, 'a'));
      // No content-length: chunked, the size known only when read.
      res.write(Buffer.alloc(LIMITS.maxBytes, 'a'));
      res.end('a');
    });
    expect((await (await fetch(`${server.origin}/exact`)).arrayBuffer()).byteLength).toBe(LIMITS.maxBytes);
    for (const path of ['/declared', '/streamed']) {
      const error = await failureOf(fetch(`${server.origin}${path}`));
      expect(error.code).toBe('too_large');
      expect(error.message).toBe(`${server.origin}${path} answered with more than ${LIMITS.maxBytes} bytes`);
    }
  });

  it('gives up after timeoutSeconds on a server that never answers, or never ends its body', async () => {
    const server = await listen((req, res) => {
      if (req.url === '/stalled') {
        res.writeHead(200);
        res.write('{');
      }
    });
    const quick = createSafeFetch({ allowLoopback: true, limits: QUICK });
    for (const path of ['/silent', '/stalled']) {
      const error = await failureOf(quick(`${server.origin}${path}`));
      expect(error.code).toBe('timeout');
      expect(error.message).toBe(`${server.origin}${path} did not answer within 0.2 seconds`);
    }
    expect(server.requests).toEqual(['/silent', '/stalled']);
  });

  it("stops when the caller's signal aborts, with its reason", async () => {
    const controller = new AbortController();
    const reason = new Error('the caller gave up');
    const server = await listen(() => controller.abort(reason));
    await expect(fetch(`${server.origin}/`, { signal: controller.signal })).rejects.toBe(reason);
  });

  it('reports a dropped connection, and answers other statuses as they are', async () => {
    const server = await listen((req, res) => {
      if (req.url === '/drop') return req.socket.destroy();
      res.writeHead(req.url === '/empty' ? 204 : 404);
      res.end(req.url === '/empty' ? undefined : 'no such thing');
    });
    const dropped = await failureOf(fetch(`${server.origin}/drop`));
    expect(dropped.code).toBe('network');
    expect(dropped.message).toBe('the connection to 127.0.0.1 failed');

    const missing = await fetch(`${server.origin}/missing`);
    expect([missing.status, await missing.text()]).toEqual([404, 'no such thing']);
    const empty = await fetch(`${server.origin}/empty`);
    expect([empty.status, empty.body]).toEqual([204, null]);
  });

  it('sends nothing but GET', async () => {
    const server = await listen((_req, res) => res.end());
    await expect(fetch(`${server.origin}/`, { method: 'POST' })).rejects.toThrow(TypeError);
    expect(server.requests).toEqual([]);
  });

  it('checks the TLS certificate, naming the host in SNI (an IP literal sends none)', async () => {
    const server = await listen((_req, res) => res.end('{}'), { host: '127.0.0.2', tls: true });
    const local = resolverOf({ localhost: ['127.0.0.2'] });
    const secure = createSafeFetch({ allowLoopback: true, resolve: local.resolve });

    const byName = await failureOf(secure(`https://localhost:${server.port}/jwks`));
    expect(byName.code).toBe('network');
    expect(byName.message).toBe('the TLS handshake with localhost failed');
    const byAddress = await failureOf(secure(`https://127.0.0.2:${server.port}/jwks`));
    expect(byAddress.message).toBe('the TLS handshake with 127.0.0.2 failed');

    expect(server.servernames).toEqual(['localhost']);
    // A self-signed certificate: no request got through.
    expect(server.requests).toEqual([]);
  });
});

/** An ES256 key of a client, and JWTs it signs. */
async function clientKey(kid: string): Promise<{ jwk: JWK; sign: () => Promise<string> }> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  return {
    jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' },
    sign: () =>
      new SignJWT({})
        .setProtectedHeader({ alg: 'ES256', kid })
        .setIssuer('client-1')
        .setSubject('client-1')
        .setAudience('https://realmkit.test/oauth2/outbound/token')
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(privateKey),
  };
}

const verify = async (token: string, keySet: JWTVerifyGetKey) =>
  (await jwtVerify(token, keySet, { algorithms: ['ES256'] })).payload;

describe('RemoteKeys', () => {
  // jose's key sets and RemoteKeys read Date.now(): the tests move it instead of waiting.
  beforeEach(() => {
    const now = Date.now();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(now);
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  const advanceSeconds = (seconds: number) => vi.setSystemTime(Date.now() + seconds * 1000);

  const fetch = createSafeFetch({ allowLoopback: true });
  let served: JWK[] = [];
  let origin = '';
  let server: LocalServer;
  const issuer = (path: string) => `${origin}${path}`;
  beforeAll(async () => {
    server = await jsonServer({
      '/jwks': () => ({ body: { keys: served } }),
      '/broken': () => ({ status: 500, body: { error: 'oops' } }),
      '/not-json': () => ({ body: undefined }),
      '/not-a-key-set': () => ({ body: { keys: 'none' } }),
      '/tenant/.well-known/openid-configuration': () => ({
        body: { issuer: issuer('/tenant'), jwks_uri: issuer('/jwks') },
      }),
      '/slash/.well-known/openid-configuration': () => ({
        body: { issuer: issuer('/slash/'), jwks_uri: issuer('/jwks') },
      }),
      '/wrong/.well-known/openid-configuration': () => ({
        body: { issuer: issuer('/other'), jwks_uri: issuer('/jwks') },
      }),
      '/plain/.well-known/openid-configuration': () => ({
        body: { issuer: issuer('/plain'), jwks_uri: 'http://keys.example.com/jwks' },
      }),
    });
    origin = server.origin;
  });
  beforeEach(() => {
    served = [];
    server.requests.length = 0;
  });

  it('verifies a JWT with the key set at a jwks_uri, fetched once while fresh', async () => {
    const key = await clientKey('k1');
    served = [key.jwk];
    const keys = new RemoteKeys(fetch);
    const keySet = keys.keySet(`${origin}/jwks`);

    expect(await verify(await key.sign(), keySet)).toMatchObject({ iss: 'client-1', sub: 'client-1' });
    expect(keys.keySet(`${origin}/jwks`)).toBe(keySet);
    expect(await verify(await key.sign(), keys.keySet(`${origin}/jwks`))).toMatchObject({ sub: 'client-1' });
    expect(server.hits('/jwks')).toBe(1);

    // Another key under the same kid is not the client's.
    const impostor = await clientKey('k1');
    await expect(verify(await impostor.sign(), keySet)).rejects.toThrow(errors.JWSSignatureVerificationFailed);
  });

  it('fetches again for an unknown kid at most once per refreshFloorSeconds', async () => {
    const [k1, k2] = [await clientKey('k1'), await clientKey('k2')];
    served = [k1.jwk];
    const keySet = new RemoteKeys(fetch).keySet(`${origin}/jwks`);
    await verify(await k1.sign(), keySet);
    expect(server.hits('/jwks')).toBe(1);

    // The client adds a key: within the floor of the last fetch, not fetched again.
    served = [k1.jwk, k2.jwk];
    await expect(verify(await k2.sign(), keySet)).rejects.toThrow(errors.JWKSNoMatchingKey);
    expect(server.hits('/jwks')).toBe(1);

    advanceSeconds(LIMITS.refreshFloorSeconds + 0.001);
    expect(await verify(await k2.sign(), keySet)).toMatchObject({ sub: 'client-1' });
    expect(server.hits('/jwks')).toBe(2);

    // A kid the client never had: once per floor.
    const stranger = await clientKey('k3');
    await expect(verify(await stranger.sign(), keySet)).rejects.toThrow(errors.JWKSNoMatchingKey);
    await expect(verify(await stranger.sign(), keySet)).rejects.toThrow(errors.JWKSNoMatchingKey);
    expect(server.hits('/jwks')).toBe(2);
    advanceSeconds(LIMITS.refreshFloorSeconds + 0.001);
    await expect(verify(await stranger.sign(), keySet)).rejects.toThrow(errors.JWKSNoMatchingKey);
    expect(server.hits('/jwks')).toBe(3);
  });

  it('sees a changed key set within cacheSeconds', async () => {
    const [k1, k2] = [await clientKey('k1'), await clientKey('k2')];
    served = [k1.jwk];
    const keySet = new RemoteKeys(fetch).keySet(`${origin}/jwks`);
    await verify(await k1.sign(), keySet);

    served = [k2.jwk];
    advanceSeconds(LIMITS.cacheSeconds - 1);
    await verify(await k1.sign(), keySet);
    expect(server.hits('/jwks')).toBe(1);
    advanceSeconds(1.001);
    await expect(verify(await k1.sign(), keySet)).rejects.toThrow(errors.JWKSNoMatchingKey);
    expect(await verify(await k2.sign(), keySet)).toMatchObject({ sub: 'client-1' });
    expect(server.hits('/jwks')).toBe(2);
  });

  it('fails with an OutboundFetchError when the jwks_uri does not answer a key set, and asks again only after refreshFloorSeconds', async () => {
    const key = await clientKey('k1');
    const keys = new RemoteKeys(fetch);
    const cases = [
      ['/broken', `${origin}/broken answered 500 instead of a JSON Web Key Set`],
      ['/not-json', `${origin}/not-json did not answer with JSON (a JSON Web Key Set)`],
      ['/not-a-key-set', `${origin}/not-a-key-set is not a JSON Web Key Set`],
      ['/nowhere', `${origin}/nowhere answered 404 instead of a JSON Web Key Set`],
    ] as const;
    for (const [path, message] of cases) {
      const keySet = keys.keySet(`${origin}${path}`);
      for (let attempt = 0; attempt < 2; attempt++) {
        const error = await failureOf(verify(await key.sign(), keySet));
        expect([error.code, error.message]).toEqual(['bad_response', message]);
      }
      expect(server.hits(path)).toBe(1);
    }
    advanceSeconds(LIMITS.refreshFloorSeconds + 0.001);
    await failureOf(verify(await key.sign(), keys.keySet(`${origin}/broken`)));
    expect(server.hits('/broken')).toBe(2);
  });

  it('times out on a jwks_uri that never answers', async () => {
    const silent = await listen(() => {});
    const key = await clientKey('k1');
    const keySet = new RemoteKeys(createSafeFetch({ allowLoopback: true, limits: QUICK })).keySet(
      `${silent.origin}/jwks`,
    );
    const error = await failureOf(verify(await key.sign(), keySet));
    expect(error.code).toBe('timeout');
    expect(silent.requests).toEqual(['/jwks']);
  });

  it('refuses a jwks_uri that breaks the URL rule without fetching', () => {
    const keys = new RemoteKeys(createSafeFetch({ allowLoopback: false }));
    for (const uri of [`${origin}/jwks`, 'https://keys.example.com/jwks#keys', 'not a url']) {
      expect(() => keys.keySet(uri)).toThrow(OutboundFetchError);
    }
    expect(() => keys.keySet(`${origin}/jwks`)).toThrow(`${origin}/jwks must use https`);
    expect(server.requests).toEqual([]);
  });

  it('keeps the key sets of the maxCachedUris most recently used URIs', () => {
    const keys = new RemoteKeys(createSafeFetch({ allowLoopback: false, limits: { ...LIMITS, maxCachedUris: 2 } }));
    // Key sets fetch when first asked for a key: none is here.
    const [a, b] = [keys.keySet('https://a.example/jwks'), keys.keySet('https://b.example/jwks')];
    expect(keys.keySet('https://a.example/jwks')).toBe(a);
    keys.keySet('https://c.example/jwks');
    expect(keys.keySet('https://a.example/jwks')).toBe(a);
    expect(keys.keySet('https://b.example/jwks')).not.toBe(b);
    expect(connections.count).toBe(0);
  });

  it("finds an issuer's key set by OpenID discovery, kept cacheSeconds and shared by concurrent requests", async () => {
    const key = await clientKey('k1');
    served = [key.jwk];
    const keys = new RemoteKeys(fetch);
    const discovery = '/tenant/.well-known/openid-configuration';

    const [keySet, again] = await Promise.all([
      keys.issuerKeySet(issuer('/tenant')),
      keys.issuerKeySet(issuer('/tenant')),
    ]);
    expect(again).toBe(keySet);
    expect(await verify(await key.sign(), keySet)).toMatchObject({ sub: 'client-1' });
    expect(await keys.issuerKeySet(issuer('/tenant'))).toBe(keySet);
    expect(server.hits(discovery)).toBe(1);

    advanceSeconds(LIMITS.cacheSeconds + 0.001);
    expect(await keys.issuerKeySet(issuer('/tenant'))).toBe(keySet);
    expect(server.hits(discovery)).toBe(2);

    // An issuer with a trailing slash: the path appended after it, the issuer kept as it is.
    expect(await verify(await key.sign(), await keys.issuerKeySet(issuer('/slash/')))).toMatchObject({
      sub: 'client-1',
    });
    expect(server.hits('/slash/.well-known/openid-configuration')).toBe(1);
  });

  it('refuses the configuration of another issuer, and asks again only after refreshFloorSeconds', async () => {
    const keys = new RemoteKeys(fetch);
    const discovery = '/wrong/.well-known/openid-configuration';
    for (let attempt = 0; attempt < 2; attempt++) {
      const error = await failureOf(keys.issuerKeySet(issuer('/wrong')));
      expect(error.code).toBe('bad_response');
      expect(error.message).toBe(
        `${origin}${discovery} is not the configuration of the issuer ${issuer('/wrong')} (its issuer must be exactly that)`,
      );
    }
    expect(server.hits(discovery)).toBe(1);
    // The same issuer but for a trailing slash is another issuer (OpenID Connect Discovery §4.3: exactly equal).
    await failureOf(keys.issuerKeySet(issuer('/tenant/')));

    advanceSeconds(LIMITS.refreshFloorSeconds + 0.001);
    await failureOf(keys.issuerKeySet(issuer('/wrong')));
    expect(server.hits(discovery)).toBe(2);
    expect(server.hits('/jwks')).toBe(0);
  });

  it('refuses a discovered jwks_uri that breaks the URL rule, and an issuer that does', async () => {
    const keys = new RemoteKeys(fetch);
    const plain = await failureOf(keys.issuerKeySet(issuer('/plain')));
    expect(plain.code).toBe('url_not_allowed');
    expect(plain.message).toBe(
      `The jwks_uri of the issuer ${issuer('/plain')}, http://keys.example.com/jwks, must use https (http only to a loopback address)`,
    );
    for (const bad of ['http://issuer.example.com', `${origin}/tenant?x=1`]) {
      expect((await failureOf(keys.issuerKeySet(bad))).code).toBe('url_not_allowed');
    }
    expect(server.requests).toEqual(['/plain/.well-known/openid-configuration']);
  });

  it('uses the jwks_uri given with an issuer, without discovery', async () => {
    const key = await clientKey('k1');
    served = [key.jwk];
    const keySet = await new RemoteKeys(fetch).issuerKeySet(issuer('/tenant'), `${origin}/jwks`);
    expect(await verify(await key.sign(), keySet)).toMatchObject({ sub: 'client-1' });
    expect(server.requests).toEqual(['/jwks']);
  });
});
