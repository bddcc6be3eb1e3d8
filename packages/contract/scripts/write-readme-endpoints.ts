// Writes the README's endpoint table from the contract (`npm run readme:endpoints`): one row per
// route (method, path with its query parameters, scope, summary), between the two marker
// comments of README.md. With `--check` it writes nothing and exits 1 when README.md's table
// differs from the contract (CI, `.ci/run`).
import { readFileSync, writeFileSync } from 'node:fs';
import { type AppRoute, type AppRouter, isAppRoute } from '@ts-rest/core';
import { contract, type RouteMetadata } from '../src/index.ts';

const START = '<!-- endpoints:start -->';
const END = '<!-- endpoints:end -->';
const README = new URL('../../../README.md', import.meta.url);

function* routesOf(router: AppRouter): Generator<AppRoute> {
  for (const value of Object.values(router)) {
    if (isAppRoute(value)) yield value;
    else yield* routesOf(value as AppRouter);
  }
}

/** `/api/v1/:realm/users` with query `page`, `per_page` → `/api/v1/{realm}/users?page=…&per_page=…` */
function pathOf(route: AppRoute): string {
  const path = route.path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
  const shape = (route.query as { shape?: Record<string, unknown> } | null | undefined)?.shape;
  const names = shape ? Object.keys(shape) : [];
  return names.length > 0 ? `${path}?${names.map((name) => `${name}=…`).join('&')}` : path;
}

/** The scope a token needs; public routes that answer 401 authenticate the client instead (OAuth). */
function accessOf(route: AppRoute): string {
  const metadata = route.metadata as RouteMetadata | undefined;
  if (metadata?.scope) return `\`${metadata.scope}\`${metadata.masterOnly ? ' (master realm only)' : ''}`;
  if (metadata?.userToken) return "a user's access token";
  return 401 in route.responses ? 'client authentication' : 'public';
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s+/g, ' ').trim();
}

function renderEndpointTable(): string {
  const rows = [...routesOf(contract)].map(
    (route) => `| ${route.method} | \`${pathOf(route)}\` | ${accessOf(route)} | ${cell(route.summary ?? '')} |`,
  );
  return [
    '<!-- Generated from packages/contract by `npm run readme:endpoints`: change the contract, then run it. -->',
    '| method | path | scope | what it does |',
    '|---|---|---|---|',
    ...rows,
  ].join('\n');
}

const check = process.argv.includes('--check');
const readme = readFileSync(README, 'utf8');
const start = readme.indexOf(START);
const end = readme.indexOf(END);
if (start < 0 || end < start) {
  console.error(`README.md must hold the endpoint table between ${START} and ${END} (in that order).`);
  process.exit(1);
}
const current = readme.slice(start + START.length, end).trim();
const table = renderEndpointTable();

if (current === table) {
  console.log('README.md: the endpoint table matches the contract.');
} else if (check) {
  const have = new Set(current.split('\n'));
  const want = new Set(table.split('\n'));
  console.error(
    "README.md's endpoint table differs from the contract (packages/contract/src).\n" +
      'Run `npm run readme:endpoints` and commit README.md. Lines that differ:',
  );
  for (const line of have) if (!want.has(line)) console.error(`  - ${line}`);
  for (const line of want) if (!have.has(line)) console.error(`  + ${line}`);
  if ([...have].every((line) => want.has(line)) && [...want].every((line) => have.has(line))) {
    console.error('  (none: the same lines, in another order or repeated)');
  }
  process.exit(1);
} else {
  writeFileSync(README, `${readme.slice(0, start + START.length)}\n${table}\n${readme.slice(end)}`);
  console.log(`wrote the endpoint table in ${README.pathname}`);
}
