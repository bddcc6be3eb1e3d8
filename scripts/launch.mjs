#!/usr/bin/env node
// Runs a command with a Node that Realmkit supports (>= 22.17, MikroORM 7's floor).
//
// With a new enough Node this only spawns the command. On an older machine (Debian's Node 20,
// say) it takes Node 24 from the npm registry's `node-<platform>-<arch>` package through npx
// (cached by npm after the first run) and puts its directory first on PATH, so the command and
// every `node` it starts run on Node 24. This file must itself run on old Node: plain ESM, no
// dependencies.
//
// Usage: node scripts/launch.mjs <command> [args...]
import { execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import { noticeOnce } from './launcher-notice.mjs';

const MIN = [22, 17];
const FALLBACK_NODE = '24.21.0';

function isSupported(version) {
  const [major, minor] = version.split('.').map(Number);
  return major > MIN[0] || (major === MIN[0] && minor >= MIN[1]);
}

/** Node 24's directory; the notice saying so goes out once per terminal session (launcher-notice.mjs). */
function fallbackNodeBinDir(env) {
  const pkg = `node-${process.platform}-${process.arch}@${FALLBACK_NODE}`;
  Object.assign(
    env,
    noticeOnce(
      `realmkit: Node ${process.versions.node} is older than ${MIN.join('.')}; using Node ${FALLBACK_NODE} from npm (${pkg}).\n`,
    ),
  );
  const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
  const execPath = execFileSync(npx, ['-y', '-p', pkg, 'node', '-p', 'process.execPath'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, npm_config_loglevel: 'error' },
  }).trim();
  return path.dirname(execPath);
}

const [command, ...args] = process.argv.slice(2);
if (!command) {
  process.stderr.write('usage: node scripts/launch.mjs <command> [args...]\n');
  process.exit(2);
}

const env = { ...process.env };
let executable = command;
if (!isSupported(process.versions.node)) {
  const binDir = fallbackNodeBinDir(env);
  env.PATH = `${binDir}${path.delimiter}${env.PATH ?? ''}`;
  if (command === 'node') executable = path.join(binDir, 'node');
} else if (command === 'node') {
  executable = process.execPath;
}

const child = spawn(executable, args, { stdio: 'inherit', env });
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => child.kill(signal));
}
child.on('error', (error) => {
  process.stderr.write(`realmkit: could not run ${command}: ${error.message}\n`);
  process.exit(127);
});
child.on('exit', (code, signal) => {
  if (signal) process.kill(process.pid, signal);
  else process.exit(code ?? 1);
});
