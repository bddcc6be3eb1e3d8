import { contract } from '@realmkit/contract';
import { type AppRouter, isAppRoute } from '@ts-rest/core';

/** A route of the contract as segments: `GET /api/v1/:realm/users` → `['api', 'v1', ':realm', 'users']`. */
interface KnownRoute {
  method: string;
  segments: string[];
}

function* routesOf(router: AppRouter): Generator<KnownRoute> {
  for (const value of Object.values(router)) {
    if (isAppRoute(value)) yield { method: value.method, segments: segmentsOf(value.path) };
    else yield* routesOf(value as AppRouter);
  }
}

function segmentsOf(path: string): string[] {
  return path.split('/').filter(Boolean);
}

const isParameter = (segment: string) => segment.startsWith(':');

let known: { routes: KnownRoute[]; words: Set<string> } | undefined;

/** The contract's routes, and the words their paths are made of (`api`, `realms`, `users`, ...), read once. */
function knownRoutes() {
  if (!known) {
    const routes = [...routesOf(contract)];
    const words = new Set(routes.flatMap((route) => route.segments.filter((segment) => !isParameter(segment))));
    known = { routes, words };
  }
  return known;
}

/** Levenshtein distance, stopping early past `max` (paths are short). */
function distance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length] as number;
}

/**
 * How well `segments` fit `route`: `undefined` if they do not; otherwise a cost, lower is closer.
 * A parameter takes any segment, but one that is itself a word of the API's paths (`users` as a
 * realm name) costs 1; with `typos`, one literal segment may be misspelt (2 edits at most), at 1 per edit.
 */
function fit(segments: readonly string[], route: KnownRoute, words: ReadonlySet<string>, typos: boolean) {
  if (segments.length !== route.segments.length) return undefined;
  let cost = 0;
  let misspelt = 0;
  for (const [index, expected] of route.segments.entries()) {
    const actual = segments[index] as string;
    if (isParameter(expected)) {
      if (words.has(actual.toLowerCase())) cost += 1;
    } else if (actual.toLowerCase() !== expected) {
      const edits = typos && expected.length > 2 ? distance(actual.toLowerCase(), expected, 2) : 3;
      if (edits > 2 || ++misspelt > 1) return undefined;
      cost += edits;
    }
  }
  return cost;
}

/** `route` written with the request's own values in its parameters' places. */
function filled(route: KnownRoute, segments: readonly string[]): string {
  return `/${route.segments.map((expected, index) => (isParameter(expected) ? segments[index] : expected)).join('/')}`;
}

/**
 * What to tell a request no route answers, derived from the contract's routes: the methods its
 * path does answer, or the closest route for its method, found by dropping one segment
 * (`/api/v1/realms/acme/users` → `/api/v1/acme/users`) or by fixing one misspelt word
 * (`/api/v1/acme/user` → `/api/v1/acme/users`). `undefined` when nothing is close.
 */
export function routeHint(method: string, path: string): string | undefined {
  const { routes, words } = knownRoutes();
  const wanted = method === 'HEAD' ? 'GET' : method;
  const segments = segmentsOf(path);
  const methods = new Set(
    routes.filter((route) => fit(segments, route, words, false) !== undefined).map((route) => route.method),
  );
  if (methods.size > 0 && !methods.has(wanted)) return `this path answers ${[...methods].join(', ')}`;

  let best: { cost: number; path: string } | undefined;
  const consider = (candidate: readonly string[], extra: number, typos: boolean) => {
    for (const route of routes) {
      if (route.method !== wanted) continue;
      const cost = fit(candidate, route, words, typos);
      if (cost !== undefined && (!best || cost + extra < best.cost))
        best = { cost: cost + extra, path: filled(route, candidate) };
    }
  };
  // One segment too many: a word of the API's paths (an extra `realms/`) costs less to drop than a
  // value (`/users/x/rolez` is more likely a misspelt `roles` than a stray `x`).
  for (const [index, segment] of segments.entries()) {
    const extra = words.has(segment.toLowerCase()) ? 1 : 2;
    consider([...segments.slice(0, index), ...segments.slice(index + 1)], extra, false);
  }
  // One misspelt word.
  consider(segments, 0, true);
  return best ? `did you mean ${wanted} ${best.path}?` : undefined;
}
