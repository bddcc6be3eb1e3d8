import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: plain JavaScript (it runs on the old Node it is about), no declarations
import { NOTICE_SHOWN_VARIABLE } from '../../../scripts/launcher-notice.mjs';

// scripts/launch.mjs's "using Node 24" notice (issue 23, item 14): once per terminal session,
// checked with real processes, in this test's session and in new ones.

const MODULE = new URL('../../../scripts/launcher-notice.mjs', import.meta.url).href;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'realmkit-notice-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A launch: what launch.mjs does about the notice, its mark on stdout (the notice goes to stderr). */
function launchScript(markerDir: string): string {
  return `import(${JSON.stringify(MODULE)}).then((m) => process.stdout.write(JSON.stringify(m.noticeOnce('using Node 24\\n', { markerDir: ${JSON.stringify(markerDir)} }))))`;
}

/**
 * Runs `script` in a Node process without the launcher's mark in its environment (the test run
 * itself may have been started by the launcher: its mark is not the script's); its output, once
 * it exited 0. `detached`: in a session of its own, as a new terminal's shell would be.
 */
function runNode(script: string, options: { detached?: boolean; env?: Record<string, string> } = {}) {
  const { [NOTICE_SHOWN_VARIABLE]: _mark, ...inherited } = process.env;
  const child = spawn(process.execPath, ['-e', script], {
    env: { ...inherited, ...options.env },
    detached: options.detached ?? false,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  return new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) reject(new Error(`exit ${code}: ${stderr}`));
      else resolve({ stdout, stderr });
    });
  });
}

/**
 * What a launch prints: a Node process calling `noticeOnce` as launch.mjs does, in this session
 * or (`newSession`) in a session of its own.
 */
async function launch(markerDir: string, options: { newSession?: boolean; env?: Record<string, string> } = {}) {
  const { stdout, stderr } = await runNode(launchScript(markerDir), { detached: options.newSession, env: options.env });
  return { printed: stderr, passedOn: JSON.parse(stdout) as Record<string, string> };
}

/**
 * What launches print in one new terminal session: a detached process leads it, as a terminal's
 * shell does, and runs `count` launches one after the other as its children (they stay in it).
 * The test run's own session may have none to give (CI's processes can run in session 0).
 */
async function terminal(markerDir: string, count: number) {
  const script = `
    const { spawnSync } = require('node:child_process');
    const results = [];
    for (let i = 0; i < ${count}; i++) {
      const child = spawnSync(process.execPath, ['-e', ${JSON.stringify(launchScript(markerDir))}], { encoding: 'utf8' });
      if (child.status !== 0) throw new Error(child.stderr);
      results.push({ printed: child.stderr, passedOn: JSON.parse(child.stdout) });
    }
    process.stdout.write(JSON.stringify(results));`;
  const { stdout } = await runNode(script, { detached: true });
  return JSON.parse(stdout) as { printed: string; passedOn: Record<string, string> }[];
}

describe('the launcher notice', () => {
  it('is printed by the first launch of a terminal session only; another terminal gets it again', async () => {
    const markers = path.join(dir, 'sessions');
    const first = await terminal(markers, 3);
    expect(first.map((launched) => launched.printed)).toEqual(['using Node 24\n', '', '']);
    // What the launcher passes on to its command: launches inside it stay quiet.
    expect(first[0]?.passedOn).toEqual({ [NOTICE_SHOWN_VARIABLE]: 'shown' });

    // Another terminal: a session of its own, once too.
    const second = await terminal(markers, 2);
    expect(second.map((launched) => launched.printed)).toEqual(['using Node 24\n', '']);
  });

  it('is not printed inside a launched command (the mark in its environment), in any session', async () => {
    const markers = path.join(dir, 'nested');
    const env = { [NOTICE_SHOWN_VARIABLE]: 'shown' };
    expect((await launch(markers, { env })).printed).toBe('');
    expect((await launch(markers, { env, newSession: true })).printed).toBe('');
  });

  it('is printed every time rather than never when the session files cannot be written', async () => {
    const notADirectory = path.join(dir, 'a-file');
    await writeFile(notADirectory, '');
    expect((await launch(notADirectory)).printed).toBe('using Node 24\n');
    expect((await launch(notADirectory)).printed).toBe('using Node 24\n');
  });
});
