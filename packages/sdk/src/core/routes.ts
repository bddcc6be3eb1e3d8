import type { AppRoute } from '@ts-rest/core';
import type { HttpConfig } from './http.ts';
import { VERSION } from './version.ts';

export const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_MAX_RETRIES = 2;

/** The URL of a contract route: `:name` path parameters filled (encoded), then the query string. */
export function routeUrl(
  baseUrl: string,
  route: Pick<AppRoute, 'path'>,
  params: Record<string, string>,
  query?: object,
): string {
  const path = route.path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new TypeError(`Missing path parameter "${name}" for ${route.path}`);
    return encodeURIComponent(value);
  });
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null) search.set(key, String(value));
  }
  const queryString = search.toString();
  return `${baseUrl.replace(/\/+$/, '')}${path}${queryString ? `?${queryString}` : ''}`;
}

/** Headers every request carries, so that the server's logs can tell SDK versions apart. */
export function clientHeaders(): Record<string, string> {
  const headers: Record<string, string> = { accept: 'application/json', 'x-realmkit-client': `sdk-js/${VERSION}` };
  // Browsers forbid setting User-Agent; servers and workers allow it.
  if (typeof (globalThis as { window?: unknown }).window === 'undefined') {
    headers['user-agent'] = `realmkit-sdk-js/${VERSION}`;
  }
  return headers;
}

export function defaultHttpConfig(options: {
  fetch?: typeof fetch;
  timeout?: number;
  maxRetries?: number;
  headers?: Record<string, string>;
}): HttpConfig {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== 'function') throw new TypeError('No fetch: pass `fetch` in the options');
  return {
    fetch: fetchImpl,
    timeout: options.timeout ?? DEFAULT_TIMEOUT_MS,
    maxRetries: options.maxRetries ?? DEFAULT_MAX_RETRIES,
    headers: { ...clientHeaders(), ...options.headers },
  };
}
