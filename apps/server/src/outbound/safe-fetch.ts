import { lookup as systemLookup } from 'node:dns/promises';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { OUTBOUND_FETCH_LIMITS } from '@realmkit/contract';
import { isLoopbackAddress, isPublicAddress } from './address-policy.ts';
import { OutboundFetchError } from './outbound-fetch-error.ts';
import { isLoopbackHost, type OutboundPolicy, outboundUrlProblem } from './outbound-url.ts';

/** The contract's {@link OUTBOUND_FETCH_LIMITS}, or others of the same shape (tests shorten them). */
export type OutboundLimits = { readonly [K in keyof typeof OUTBOUND_FETCH_LIMITS]: number };

export interface ResolvedAddress {
  address: string;
  /** 4 or 6. */
  family: number;
}

/** Every address a host name resolves to (by default the system's resolver, as `http.request` would use). */
export type Resolve = (hostname: string) => Promise<ResolvedAddress[]>;

export interface SafeFetchOptions extends OutboundPolicy {
  /** Injected by tests, so that a name can resolve to any address without a packet leaving. */
  resolve?: Resolve;
  limits?: OutboundLimits;
}

/** What jose's `customFetch` passes; only GET is sent, and redirects are always followed here. */
export interface SafeFetchInit {
  headers?: ConstructorParameters<typeof Headers>[0];
  signal?: AbortSignal;
  method?: string;
  redirect?: string;
}

/** A fetch that goes only where {@link createSafeFetch} allows; it carries its policy and limits. */
export interface SafeFetch {
  (url: string, init?: SafeFetchInit): Promise<Response>;
  readonly policy: OutboundPolicy;
  readonly limits: OutboundLimits;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Statuses a WHATWG `Response` refuses a body for. */
const NULL_BODY_STATUSES = new Set([204, 205, 304]);

const systemResolve: Resolve = (hostname) => systemLookup(hostname, { all: true });

/** A fetch to a vetted host: the URL, its host without brackets, and the addresses checked for it. */
interface Hop {
  url: URL;
  host: string;
  addresses: ResolvedAddress[];
}

/**
 * The fetch for URLs a client names (`jwks_uri`, a federated issuer's discovery document and keys),
 * safe against server-side request forgery. For the URL and for each redirect it follows (301, 302,
 * 303, 307, 308; at most `maxRedirects`):
 * - the URL must pass {@link outboundUrlProblem};
 * - its host name is resolved once, and every address it resolves to must be public (with
 *   `allowLoopback`, loopback addresses too; private ranges never); an IP literal is checked as is;
 * - the connection goes to the addresses checked (the request's `lookup` answers with them: no
 *   second resolution, so a DNS rebinding cannot swap them), TLS still verifying the host name;
 * - the whole exchange ends within `timeoutSeconds` (or when the caller's signal aborts), and a
 *   body over `maxBytes` is refused.
 *
 * Only GET is sent. The answer is a WHATWG `Response` holding the whole body; failures are
 * {@link OutboundFetchError}s, except that the caller's own abort rejects with its signal's reason
 * (jose's `customFetch` contract: its timeout becomes `JWKSTimeout`).
 */
export function createSafeFetch(options: SafeFetchOptions): SafeFetch {
  const policy: OutboundPolicy = { allowLoopback: options.allowLoopback };
  const resolve = options.resolve ?? systemResolve;
  const limits = options.limits ?? OUTBOUND_FETCH_LIMITS;

  const addressAllowed = (address: string) =>
    isPublicAddress(address) || (policy.allowLoopback && isLoopbackAddress(address));

  async function vet(href: string, redirectedFrom: string | undefined, signal: AbortSignal): Promise<Hop> {
    const problem = outboundUrlProblem(href, policy);
    if (problem !== undefined) {
      throw new OutboundFetchError(
        'url_not_allowed',
        redirectedFrom === undefined
          ? `${href} ${problem}`
          : `${redirectedFrom} redirects to ${href}, which ${problem}`,
      );
    }
    const url = new URL(href);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const family = isIP(host);
    if (family !== 0) {
      if (!addressAllowed(host)) throw new OutboundFetchError('address_not_allowed', notPublic(host, 'is'));
      return { url, host, addresses: [{ address: host, family }] };
    }
    // `localhost` needs no resolver to be known for loopback.
    if (!policy.allowLoopback && isLoopbackHost(host)) {
      throw new OutboundFetchError('address_not_allowed', notPublic(host, 'resolves to'));
    }
    let addresses: ResolvedAddress[];
    try {
      addresses = await untilAborted(signal, resolve(host));
    } catch (error) {
      if (signal.aborted) throw error;
      throw new OutboundFetchError('network', `${host} could not be resolved`, { cause: error });
    }
    if (addresses.length === 0) throw new OutboundFetchError('network', `${host} could not be resolved`);
    // One address that is not public is enough to refuse: the connection could go to any of them.
    if (!addresses.every(({ address }) => addressAllowed(address))) {
      throw new OutboundFetchError('address_not_allowed', notPublic(host, 'resolves to'));
    }
    return { url, host, addresses };
  }

  async function safeFetch(url: string, init: SafeFetchInit = {}): Promise<Response> {
    if ((init.method ?? 'GET').toUpperCase() !== 'GET') throw new TypeError('The outbound fetch sends only GET');
    const deadline = AbortSignal.timeout(Math.round(limits.timeoutSeconds * 1000));
    const signal = init.signal ? AbortSignal.any([init.signal, deadline]) : deadline;
    const headers = Object.fromEntries(new Headers(init.headers));
    let href = url;
    let redirectedFrom: string | undefined;
    let host = '';
    try {
      for (let redirects = 0; ; redirects++) {
        const hop = await vet(href, redirectedFrom, signal);
        host = hop.host;
        const response = await send(hop, headers, signal);
        const status = response.statusCode ?? 0;
        const location = response.headers.location;
        if (REDIRECT_STATUSES.has(status) && location !== undefined) {
          response.destroy();
          if (redirects >= limits.maxRedirects) {
            throw new OutboundFetchError(
              'too_many_redirects',
              `${url} redirects more than ${limits.maxRedirects} times`,
            );
          }
          redirectedFrom = href;
          href = redirectTarget(location, hop.url);
          continue;
        }
        if (status < 200 || status > 599) {
          response.destroy();
          throw new OutboundFetchError('bad_response', `${href} answered with an invalid HTTP status`);
        }
        const body = await readBody(response, limits.maxBytes, href);
        return new Response(NULL_BODY_STATUSES.has(status) ? null : body, { status, headers: headersOf(response) });
      }
    } catch (error) {
      if (init.signal?.aborted) throw init.signal.reason;
      if (error instanceof OutboundFetchError) throw error;
      if (deadline.aborted) {
        throw new OutboundFetchError('timeout', `${url} did not answer within ${limits.timeoutSeconds} seconds`, {
          cause: error,
        });
      }
      throw connectionError(host, error);
    }
  }

  return Object.assign(safeFetch, { policy, limits });
}

function notPublic(host: string, verb: 'is' | 'resolves to'): string {
  // Never the address a name resolved to: that would map the server's network for the caller.
  return `${host} ${verb} a private or reserved address`;
}

/** Where a redirect goes, resolved against the URL that answered it; a fragment is never sent, so dropped. */
function redirectTarget(location: string, base: URL): string {
  let target: URL;
  try {
    target = new URL(location, base);
  } catch {
    throw new OutboundFetchError('bad_response', `${base.href} redirects to an invalid URL`);
  }
  target.hash = '';
  return target.href;
}

/** Sends the GET to the hop's checked addresses, and resolves with the response's head. */
function send(hop: Hop, headers: Record<string, string>, signal: AbortSignal): Promise<IncomingMessage> {
  const { url, host, addresses } = hop;
  // Asked for the host name's addresses, the socket gets those checked (not asked for an IP literal).
  const lookup: LookupFunction = (_hostname, options, callback) => {
    if (options.all) callback(null, addresses);
    else callback(null, (addresses[0] as ResolvedAddress).address, (addresses[0] as ResolvedAddress).family);
  };
  const secure = url.protocol === 'https:';
  return new Promise((resolve, reject) => {
    const request = (secure ? https : http).request(
      {
        hostname: host,
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        method: 'GET',
        headers,
        signal,
        lookup,
        // A connection of its own: a pooled one may have been opened to another address of the name.
        agent: false,
        // SNI and the certificate check name the host (an IP literal is checked against the certificate's IPs).
        ...(secure && isIP(host) === 0 ? { servername: host } : {}),
      },
      resolve,
    );
    request.on('error', reject);
    request.end();
  });
}

async function readBody(response: IncomingMessage, maxBytes: number, href: string): Promise<Buffer> {
  const tooLarge = () => new OutboundFetchError('too_large', `${href} answered with more than ${maxBytes} bytes`);
  if (Number(response.headers['content-length']) > maxBytes) {
    response.destroy();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      response.destroy();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function headersOf(response: IncomingMessage): Headers {
  const headers = new Headers();
  const raw = response.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    try {
      headers.append(raw[i] as string, raw[i + 1] as string);
    } catch {
      // A header a WHATWG Headers cannot hold; nothing read from these answers needs it.
    }
  }
  return headers;
}

/** `promise`, or the signal's reason as soon as it aborts (a resolver cannot be cancelled). */
function untilAborted<T>(signal: AbortSignal, promise: Promise<T>): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function connectionError(host: string, error: unknown): OutboundFetchError {
  const code = (error as { code?: unknown } | null)?.code;
  const tls = typeof code === 'string' && /^ERR_(TLS|SSL)|CERT|^UNABLE_TO_/.test(code);
  const message = tls ? `the TLS handshake with ${host} failed` : `the connection to ${host} failed`;
  return new OutboundFetchError('network', message, { cause: error });
}
