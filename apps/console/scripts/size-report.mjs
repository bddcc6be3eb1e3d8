// `npm run size -w @realmkit/console`: what a browser downloads on the console's first load,
// gzipped as the server sends it, against the budget (issue 24: at most 250 kB of script).
// The first load is the entry chunk and every chunk it imports statically (Vite's manifest);
// screens loaded later (dynamic imports) are listed apart. Sizes in kB (1000 bytes).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const BUDGET_KB = 250;
const outDir = fileURLToPath(new URL('../../server/console', import.meta.url));
const manifestFile = path.join(outDir, '.vite', 'manifest.json');
if (!existsSync(manifestFile)) {
  console.error('size-report: no build; run `node scripts/ensure-console.mjs` (or npm start) first');
  process.exit(1);
}
const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
const entry = Object.values(manifest).find((chunk) => chunk.isEntry);

const gzipped = (file) => gzipSync(readFileSync(path.join(outDir, file))).length;
const kB = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;

/** The chunks a first load fetches: the entry and its static imports, transitively. */
const firstLoad = new Set();
const visit = (key) => {
  const chunk = manifest[key];
  if (!chunk || firstLoad.has(chunk.file)) return;
  firstLoad.add(chunk.file);
  for (const imported of chunk.imports ?? []) visit(imported);
};
visit(Object.keys(manifest).find((key) => manifest[key] === entry));

const css = new Set(
  [...Object.values(manifest)].filter((chunk) => firstLoad.has(chunk.file)).flatMap((c) => c.css ?? []),
);
const later = [...new Set(Object.values(manifest).map((chunk) => chunk.file))].filter(
  (file) => file.endsWith('.js') && !firstLoad.has(file),
);

let script = 0;
console.log('first load:');
for (const file of firstLoad) {
  const size = gzipped(file);
  script += size;
  console.log(`  ${file.padEnd(44)} ${kB(size).padStart(9)} gzipped`);
}
for (const file of css) console.log(`  ${file.padEnd(44)} ${kB(gzipped(file)).padStart(9)} gzipped (style)`);
const laterTotal = later.reduce((sum, file) => sum + gzipped(file), 0);
console.log(`loaded later (${later.length} chunks): ${kB(laterTotal)} gzipped`);
console.log(`first-load script: ${kB(script)} gzipped; budget ${BUDGET_KB} kB`);
if (script > BUDGET_KB * 1000) {
  console.error(`FAIL: the console's first load is ${kB(script - BUDGET_KB * 1000)} over budget`);
  process.exit(1);
}
