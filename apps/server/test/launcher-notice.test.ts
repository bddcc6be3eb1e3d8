import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: plain JavaScript (it runs on the old Node it is about), no declarations
import { NOTICE_SHOWN_VARIABLE, terminalSessionKey } from '../../../scripts/launcher-notice.mjs';

// scripts/launch.mjs's "using Node 24" notice (issue 23, item 14): once per terminal session,
// checked with real processes, in this test's session and in new ones.

const MODULE = new URL('../../../scripts/launcher-notice.mjs', import.meta.url).href;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'realmkit-notice-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/**
 * What a launch prints: a Node process calling `noticeOnce` as launch.mjs does, in this session
 * or (`newSession`) in a session of its own, as a new terminal's shell would be.
 */
function launch(markerDir: string, options: { newSession?: boolean; env?: Record<string, string> } = {}) {
  // The test run itself may have been started by the launcher: its mark is not this launch's.
  const { [NOTICE_SHOWN_VARIABLE]: _mark, ...inherited } = process.env;
  const script = `import(${JSON.stringify(MODULE)}).then((m) => process.stdout.write(JSON.stringify(m.noticeOnce('using Node 24\\n', { markerDir: ${JSON.stringify(markerDir)} }))))`;
  const child = spawn(process.execPath, ['-e', script], {
    env: { ...inherited, ...options.env },
    detached: options.newSession ?? false,
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
  return new Promise<{ printed: string; passedOn: Record<string, string> }>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) reject(new Error(`exit ${code}: ${stderr}`));
      else resolve({ printed: stderr, passedOn: JSON.parse(stdout) });
    });
  });
}

describe('the launcher notice', () => {
  it.runIf(terminalSessionKey() !== undefined)(
    'is printed by the first launch of a terminal session only; a new session gets it again',
    async () => {
      const markers = path.join(dir, 'sessions');
      const first = await launch(markers);
      expect(first.printed).toBe('using Node 24\n');
      // What the launcher passes on to its command: launches inside it stay quiet.
      expect(first.passedOn).toEqual({ [NOTICE_SHOWN_VARIABLE]: 'shown' });
      expect((await launch(markers)).printed).toBe('');
      expect((await launch(markers)).printed).toBe('');

      // Another terminal: a session of its own, once too.
      expect((await launch(markers, { newSession: true })).printed).toBe('using Node 24\n');
      // (Each detached launch leads a new session: each is "another terminal".)
      expect((await launch(markers, { newSession: true })).printed).toBe('using Node 24\n');
      expect((await launch(markers)).printed).toBe('');
    },
  );

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
