#!/usr/bin/env node
// Runs the shell blocks of markdown files as a reader would copy them, so that they cannot drift
// from the server (issue 23): every ```sh, ```bash and ```shell block, in order, in one bash
// session per file (`set -euo pipefail`; a block may use what an earlier block of its file set,
// as a reader's shell would), from the repository's root, standard input empty.
//
//   REALMKIT_URL=http://127.0.0.1:18480 REALMKIT_CLIENT_ID=… REALMKIT_CLIENT_SECRET=… \
//     node scripts/run-doc-blocks.mjs README.md examples/README.md
//
// A block fails when a command fails, and when one of its own `curl` calls gets an HTTP status of
// 400 or more (`curl -s` alone would print the error and go on): a block's direct `curl` calls run
// through a shell function that reads the status from `-D`. Commands the block starts (a script of
// examples/, say) call the real curl, unwatched.
//
// What the HTML comment on the line just before a fence says:
//   <!-- not run in CI: <why> -->          the block is not run (it starts a server, installs
//                                            from npm, needs Docker...); the reason is required
//   <!-- CI allows HTTP 429: <why> -->     the block runs; those statuses (space-separated) are
//                                            what the text says the reader will see
// Any other comment there that mentions CI is an error, as is an ```sh or ```shell block that
// /bin/sh cannot parse (bash arrays, say: fence those as ```bash).
// Exits 0 when every block that runs passes; 1 at the first that fails, naming it; 2 on bad usage.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SHELLS = new Set(['sh', 'bash', 'shell']);
const SKIP = /^<!--\s*not run in CI:\s*(\S.*?)\s*-->$/;
const ALLOW = /^<!--\s*CI allows HTTP ((?:[1-5]\d\d\s*)+):\s*(\S.*?)\s*-->$/;
const MENTIONS_CI = /^<!--.*\bCI\b.*-->$/;

/**
 * The shell blocks of a markdown file: where each starts, the heading it is under, its text, and
 * what the comment before it says.
 */
export function blocksOf(markdown, file) {
  const lines = markdown.split('\n');
  const blocks = [];
  let heading = '';
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index];
    const fence = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)\s*$/.exec(line);
    if (!fence) {
      const title = /^#{1,6}\s+(.*)$/.exec(line);
      if (title) heading = title[1].trim();
      continue;
    }
    const [, indent, marker, language] = fence;
    const body = [];
    let end = index + 1;
    while (end < lines.length && !(lines[end].trim().startsWith(marker) && lines[end].trim() === marker)) {
      body.push(lines[end].startsWith(indent) ? lines[end].slice(indent.length) : lines[end]);
      end++;
    }
    if (end >= lines.length) throw new Error(`${file}:${index + 1}: a fence that never closes`);
    if (SHELLS.has(language)) {
      let previous = index - 1;
      while (previous >= 0 && lines[previous].trim() === '') previous--;
      const comment = previous >= 0 ? lines[previous].trim() : '';
      const block = { file, line: index + 1, heading, language, text: body.join('\n') };
      const skip = SKIP.exec(comment);
      const allow = ALLOW.exec(comment);
      if (skip) block.skip = skip[1];
      else if (allow) block.allow = allow[1].trim().split(/\s+/);
      else if (MENTIONS_CI.test(comment)) {
        throw new Error(
          `${file}:${previous + 1}: a comment about CI that is neither "<!-- not run in CI: why -->" nor "<!-- CI allows HTTP 4xx: why -->"`,
        );
      }
      blocks.push(block);
    }
    index = end;
  }
  return blocks;
}

const quote = (text) => `'${text.replace(/'/g, `'\\''`)}'`;

/**
 * The bash script that runs `blocks` in one session. Each block is announced, then run as it is
 * written; the block's number goes to `$RK_DOC_STATE` first, so that the runner can name the one
 * that failed however the shell exited.
 */
function sessionScript(blocks, stateFile) {
  const parts = [
    'set -euo pipefail',
    // A block's own curl calls: the status of the last response (after redirects) from -D; an HTTP
    // error the block does not allow fails the call, as curl's --fail would, with what it was.
    `curl() {
  local headers status=0 code
  headers="$(mktemp)"
  command curl -D "$headers" "$@" || status=$?
  code="$(sed -n 's/^HTTP\\/[0-9.]* \\([0-9][0-9][0-9]\\).*/\\1/p' "$headers" | tail -n 1)"
  rm -f "$headers"
  if (( status == 0 )) && [[ -n "$code" ]] && (( code >= 400 )) && [[ " \${RK_DOC_ALLOW:-} " != *" $code "* ]]; then
    local arg url=""
    for arg in "$@"; do [[ "$arg" == http://* || "$arg" == https://* ]] && url="$arg"; done
    printf '\\nrun-doc-blocks: HTTP %s from curl %s\\n' "$code" "$url" >&2
    return 22
  fi
  return "$status"
}`,
  ];
  for (const [number, block] of blocks.entries()) {
    if (block.skip) continue;
    parts.push(
      `printf '%s\\n' ${number} > ${quote(stateFile)}`,
      `printf '\\n--- %s:%s (%s)\\n' ${quote(block.file)} ${block.line} ${quote(block.heading || 'top')}`,
      `RK_DOC_ALLOW=${quote((block.allow ?? []).join(' '))}`,
      block.text,
    );
  }
  parts.push(`printf 'done\\n' > ${quote(stateFile)}`);
  return `${parts.join('\n')}\n`;
}

/** Blocks fenced as sh must be sh: `sh -n` (dash on Debian) refuses bash's arrays, for one. */
function checkShSyntax(blocks) {
  for (const block of blocks) {
    if (block.language === 'bash') continue;
    const check = spawnSync('sh', ['-n'], { input: block.text, encoding: 'utf8' });
    if (check.status !== 0) {
      throw new Error(
        `${block.file}:${block.line}: fenced as ${block.language}, but sh cannot parse it (${check.stderr.trim()}): fence it as bash`,
      );
    }
  }
}

function runFile(file, work) {
  const blocks = blocksOf(readFileSync(path.resolve(ROOT, file), 'utf8'), file);
  checkShSyntax(blocks);
  const stateFile = path.join(work, 'state');
  const scriptFile = path.join(work, 'session.sh');
  writeFileSync(scriptFile, sessionScript(blocks, stateFile));
  writeFileSync(stateFile, '');
  const started = performance.now();
  const run = spawnSync('bash', [scriptFile], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const state = readFileSync(stateFile, 'utf8').trim();
  const ran = blocks.filter((block) => !block.skip);
  const skipped = blocks.filter((block) => block.skip);
  if (run.status !== 0 || state !== 'done') {
    const failed = blocks[Number(state)];
    const where = failed ? `${failed.file}:${failed.line} (${failed.heading || 'top'})` : file;
    console.error(`\nFAIL ${where}: the block exited ${run.status ?? run.signal}\n${failed?.text ?? ''}`);
    return false;
  }
  console.log(`\n${file}: ${ran.length} blocks ran as written in ${seconds} s; ${skipped.length} not run in CI:`);
  for (const block of skipped) console.log(`  ${block.file}:${block.line} (${block.heading || 'top'}): ${block.skip}`);
  return true;
}

function main(files) {
  if (files.length === 0) {
    console.error('usage: node scripts/run-doc-blocks.mjs FILE.md...');
    return 2;
  }
  execFileSync('bash', ['--version'], { stdio: 'ignore' });
  const work = mkdtempSync(path.join(tmpdir(), 'realmkit-doc-blocks-'));
  try {
    for (const file of files) if (!runFile(file, work)) return 1;
    return 0;
  } catch (error) {
    console.error(`run-doc-blocks: ${error.message}`);
    return 1;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = main(process.argv.slice(2));
