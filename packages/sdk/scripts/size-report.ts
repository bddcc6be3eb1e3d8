// `npm run size -w @realmkit/sdk`: what the SDK weighs in an app's bundle, minified and gzipped.
//
// It minifies the published ESM build (dist/index.js, so run `npm run build` first) twice, in
// memory, with tsdown (rolldown and its minifier):
//   - the SDK's own code, its dependencies left as imports (what the package adds when the app
//     already has @realmkit/contract, @ts-rest/core and zod);
//   - with its dependencies bundled in (the whole cost to an app that has none of them), tree-shaken.
// Sizes are in kB (1000 bytes); gzip at level 9.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type UserConfig } from 'tsdown';

const root = fileURLToPath(new URL('..', import.meta.url));
const entry = fileURLToPath(new URL('../dist/index.js', import.meta.url));
if (!existsSync(entry)) {
  console.error('size-report: dist/index.js is missing; run `npm run build` first');
  process.exit(1);
}

interface Size {
  minified: number;
  gzipped: number;
  /** Packages from node_modules in the bundle, with their versions. */
  inlined: string[];
  /** What the bundle still imports. */
  imports: string[];
}

async function measure(deps: UserConfig['deps']): Promise<Size> {
  const { bundles } = await build({
    config: false,
    cwd: root,
    entry: { index: entry },
    format: 'esm',
    platform: 'node',
    target: 'node20',
    minify: true,
    dts: false,
    write: false,
    clean: false,
    report: false,
    logLevel: 'warn',
    deps,
  });
  let code = '';
  const inlined = new Set<string>();
  const imports = new Set<string>();
  for (const bundle of bundles) {
    for (const chunk of bundle.chunks) {
      if (chunk.type !== 'chunk') continue;
      code += chunk.code;
      for (const id of [...chunk.imports, ...chunk.dynamicImports]) imports.add(id);
    }
    for (const [name, versions] of bundle.inlinedDeps) inlined.add(`${name}@${[...versions].join(',')}`);
  }
  const bytes = Buffer.from(code);
  return {
    minified: bytes.length,
    gzipped: gzipSync(bytes, { level: 9 }).length,
    inlined: [...inlined].sort(),
    imports: [...imports].sort(),
  };
}

const kB = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;
const line = (label: string, size: Size) =>
  console.log(`${label.padEnd(34)} ${kB(size.minified).padStart(9)} minified ${kB(size.gzipped).padStart(9)} gzipped`);

const own = await measure(undefined);
const bundled = await measure({ alwaysBundle: () => true, onlyBundle: false });

console.log('@realmkit/sdk, ESM build, minified + gzip -9:');
line('own code (dependencies external)', own);
console.log(`  imports: ${own.imports.join(', ') || '(nothing)'}`);
line('with its dependencies bundled', bundled);
// @realmkit/contract is a workspace link here: bundled from packages/contract/dist, it does not
// count as a node_modules package, but it is in if the bundle no longer imports it.
const workspace = own.imports.filter((id) => !bundled.imports.includes(id) && !id.startsWith('node:'));
console.log(`  bundled in: ${[...workspace.map((id) => `${id} (workspace)`), ...bundled.inlined].join(', ')}`);
console.log(`  imports: ${bundled.imports.join(', ') || '(nothing)'}`);
const leftOver = bundled.imports.filter((id) => !id.startsWith('node:'));
if (leftOver.length > 0) {
  console.error(`size-report: the bundle still imports ${leftOver.join(', ')}`);
  process.exit(1);
}
