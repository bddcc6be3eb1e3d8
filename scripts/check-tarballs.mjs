// Checks the file list of each package's tarball: built code, types and docs in; sources, tests,
// fixtures, source maps, .env files and data directories out. Prints each tarball's size and
// file count. Input: the JSON that `npm pack --json` printed, one file per package.
//
//   node scripts/check-tarballs.mjs pack-contract.json pack-sdk.json pack-server.json
import { readFileSync } from 'node:fs';

const EVERY_PACKAGE = ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md'];
const DUAL_BUILD = ['dist/index.js', 'dist/index.cjs', 'dist/index.d.ts', 'dist/index.d.cts'];

/** Files each tarball must hold (a RegExp: at least one file matches). */
const REQUIRED = {
  '@realmkit/contract': [...EVERY_PACKAGE, ...DUAL_BUILD, 'openapi.json'],
  // `@realmkit/sdk/node` too, with its node10 fallback (node/package.json).
  '@realmkit/sdk': [
    ...EVERY_PACKAGE,
    ...DUAL_BUILD,
    'dist/node.js',
    'dist/node.cjs',
    'dist/node.d.ts',
    'dist/node.d.cts',
    'node/package.json',
  ],
  '@realmkit/server': [
    ...EVERY_PACKAGE,
    'bin/realmkit.mjs',
    'dist/index.js',
    'dist/index.d.ts',
    'dist/cli/main.js',
    /^dist\/db\/migrations\/Migration\d+\w+\.js$/,
    'templates/verify-email.html',
    'templates/verify-email.txt',
    'templates/verify-email.subject.txt',
    'assets/scalar-api-reference.standalone.js',
    'assets/scalar-api-reference.LICENSE',
    'console/index.html',
    /^console\/assets\/index-[\w-]+\.js$/,
  ],
};

/** Nothing here may be published. */
const FORBIDDEN = [
  [/(^|\/)(test|tests|__tests__|fixtures|coverage)\//, 'tests and fixtures'],
  [/\.(test|spec)\.[cm]?[jt]sx?$/, 'test files'],
  [/\.map$/, 'source maps'],
  [/(^|\/)\.env(\.|$)/, '.env files'],
  [/(^|\/)(\.realmkit|pgdata|\.turbo|node_modules)\//, 'data and tool directories'],
  [/(^|\/)secret\.key$/, 'secret keys'],
  [/\.tsbuildinfo$/, 'build info'],
  [/^src\//, 'sources'],
  [/(?<!\.d)\.[cm]?ts$/, 'TypeScript sources'],
];

let failures = 0;
for (const file of process.argv.slice(2)) {
  const [pack] = JSON.parse(readFileSync(file, 'utf8'));
  const paths = pack.files.map((entry) => entry.path);
  const problems = [];
  for (const wanted of REQUIRED[pack.name] ?? [`(no rules for ${pack.name})`]) {
    const found = paths.some((path) => (wanted instanceof RegExp ? wanted.test(path) : path === wanted));
    if (!found) problems.push(`missing ${wanted}`);
  }
  for (const path of paths) {
    for (const [pattern, what] of FORBIDDEN) if (pattern.test(path)) problems.push(`${what}: ${path}`);
  }
  const kB = (bytes) => `${(bytes / 1024).toFixed(1)} kB`;
  console.log(
    `${problems.length === 0 ? 'ok  ' : 'FAIL'} ${pack.filename}: ${pack.entryCount} files, ${kB(pack.size)} packed, ${kB(pack.unpackedSize)} unpacked`,
  );
  for (const problem of problems) console.log(`       ${problem}`);
  failures += problems.length;
}
process.exit(failures === 0 ? 0 : 1);
