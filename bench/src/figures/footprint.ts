import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { rssOf } from '../processes.ts';
import { type RealmkitOptions, startRealmkit } from '../realmkit.ts';
import { fmt, progress, type Row } from '../report.ts';
import type { Settings } from '../settings.ts';

const IDLE_TARGET_MB = 120;
const LOAD_TARGET_MB = 250;
const COLD_START_TARGET_MS = 1500;

/** The server's RSS once it has started, served its set-up requests and settled for a moment. */
export async function idleRss(pid: number, s: Settings): Promise<number | undefined> {
  await sleep(s.tiny ? 200 : 2000);
  return rssOf(pid);
}

export function rssRows(idle: number | undefined, underLoad: number | undefined, database: string): Row[] {
  return [
    {
      figure: `7. RSS idle (${database})`,
      measured: idle === undefined ? 'n/a (no /proc)' : fmt.mb(idle),
      baseline: '—',
      ratio: undefined,
      target: `≤ ${IDLE_TARGET_MB} MB`,
      met: idle === undefined ? undefined : idle <= IDLE_TARGET_MB * 1024 * 1024,
    },
    ...(underLoad === undefined && database !== 'PostgreSQL'
      ? []
      : [
          {
            figure: `7. RSS peak under the RS256 token load (${database})`,
            measured: underLoad === undefined ? 'n/a (no /proc)' : fmt.mb(underLoad),
            baseline: '—',
            ratio: undefined,
            target: `≤ ${LOAD_TARGET_MB} MB`,
            met: underLoad === undefined ? undefined : underLoad <= LOAD_TARGET_MB * 1024 * 1024,
          },
        ]),
  ];
}

/**
 * Idle RSS of `npm start`'s server, which runs from the TypeScript sources (Node strips their types
 * as it loads them, and keeps what that takes): informational, beside the built server's figure.
 */
export async function sourceIdleRow(s: Settings, options: Omit<RealmkitOptions, 'logFile'>): Promise<Row> {
  progress('RSS idle of the server from its sources (npm start)');
  const rk = await startRealmkit({ ...options, fromSource: true, logFile: path.join(s.workDir, 'from-source.log') });
  try {
    await rk.admin.ensureRealm('bench');
    const idle = await idleRss(rk.child.pid, s);
    return {
      figure: '7. RSS idle, from the sources (npm start; PostgreSQL), for information',
      measured: idle === undefined ? 'n/a (no /proc)' : fmt.mb(idle),
      baseline: '—',
      ratio: undefined,
      target: '—',
      met: undefined,
    };
  } finally {
    await rk.stop();
  }
}

/**
 * Cold start to the first token on a database that exists (migrated, master realm there): from
 * spawning the server's process (`realmkit start`, built) to the first 200 from the token
 * endpoint. The median of `s.coldStarts`.
 */
export async function coldStart(s: Settings, options: Omit<RealmkitOptions, 'logFile'>, database: string) {
  const times: number[] = [];
  let idle: number | undefined;
  for (let i = 0; i < s.coldStarts; i++) {
    progress(`cold start ${i + 1}/${s.coldStarts} (${database})`);
    const rk = await startRealmkit({ ...options, logFile: path.join(s.workDir, `cold-start-${database}-${i}.log`) });
    times.push(rk.readyAt - rk.startedAt);
    if (i === 0) idle = await idleRss(rk.child.pid, s);
    await rk.stop();
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)] as number;
  const row: Row = {
    figure: `7. Cold start to first token, existing database (${database})`,
    measured: fmt.ms(median),
    baseline: '—',
    ratio: undefined,
    target: `≤ ${COLD_START_TARGET_MS} ms`,
    met: median <= COLD_START_TARGET_MS,
  };
  return { row, idle };
}
