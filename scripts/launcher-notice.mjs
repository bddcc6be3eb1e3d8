// The launcher's notice ("using Node 24 from npm"), once per terminal session rather than on every
// npm script. Plain ESM, no dependencies: it runs on the old Node the notice is about.
//
// Two marks, each enough on its own:
// - REALMKIT_NODE_NOTICE=shown in the environment of what the launcher starts, so that a launch
//   inside a launched command (a script that runs another npm script) stays quiet everywhere;
// - on Linux, a file per session: the processes of one terminal share a session (its shell leads
//   it; npm and the scripts it runs stay in it), and the file is named after the session's id and
//   its leader's start time (so a later session that gets the same id is a new one). The first
//   launch that creates the file prints the notice; the others find it. Elsewhere (no /proc), or
//   when the file cannot be written, the notice is printed as before.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const NOTICE_SHOWN_VARIABLE = 'REALMKIT_NODE_NOTICE';

/** `session-<id>-<start time of its leader>`, or `undefined` where it cannot be known. */
export function terminalSessionKey() {
  try {
    const field = (pid, index) => {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // After "pid (comm) ": state ppid pgrp session ... starttime is the 20th field from there.
      return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[index];
    };
    const session = field('self', 3);
    if (!session || session === '0') return undefined;
    return `session-${session}-${field(session, 19)}`;
  } catch {
    return undefined;
  }
}

/** Where the session files live: a directory of this user's own under the temporary directory. */
export function defaultMarkerDir() {
  const user = typeof process.getuid === 'function' ? process.getuid() : os.userInfo().username;
  return path.join(os.tmpdir(), `realmkit-launcher-${user}`);
}

/**
 * Writes `message` to `stream` unless this terminal session has seen it already; returns the
 * environment variables to pass on to the command (the mark for launches inside it).
 */
export function noticeOnce(message, options = {}) {
  const env = options.env ?? process.env;
  const stream = options.stream ?? process.stderr;
  const mark = { [NOTICE_SHOWN_VARIABLE]: 'shown' };
  if (env[NOTICE_SHOWN_VARIABLE] === 'shown') return mark;
  const key = terminalSessionKey();
  if (key) {
    const dir = options.markerDir ?? defaultMarkerDir();
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      // 'wx': created by exactly one launch of the session, however many start at once.
      writeFileSync(path.join(dir, key), '', { flag: 'wx', mode: 0o600 });
    } catch (error) {
      // Only a file that is there already means "seen"; anything else (not writable, not a
      // directory) means the notice is said every time rather than never.
      if (error?.code === 'EEXIST' && error?.syscall === 'open') return mark;
    }
  }
  stream.write(message);
  return mark;
}
