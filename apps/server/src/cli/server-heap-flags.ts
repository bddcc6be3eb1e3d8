import v8 from 'node:v8';

/**
 * V8 heap tuning of the server process (decision 0016). V8 sizes the heap for the machine, not
 * for a server whose live data is about 40 MB:
 * - the young generation grows to 2 × 32-64 MB semi-spaces, which a request's garbage fills and
 *   leaves resident (128 MB of it under the token load). Capped at 8 MB each.
 * - the old generation may grow to 4 × what survived the last full collection before the next;
 *   objects that outlive a few young collections (a request in flight) pile up there (145 MB of
 *   it, 110 of them garbage, under the token load). Here 2 × (`--heap-growing-percent=100`).
 * Neither limits what the server may hold: the heap's maximum is V8's, as before.
 */
export const SERVER_HEAP_FLAGS = {
  /** A Node option (documented, allowed in NODE_OPTIONS); fixed when V8 starts: needs a restart. */
  atStart: ['--max-semi-space-size=8'],
  /** Read by V8 at each full collection: set in the running process. */
  atRuntime: ['--heap-growing-percent=100'],
} as const;

/** `--max_semi_space_size=4` → `--max-semi-space-size`. */
function flagName(arg: string): string {
  return (arg.split('=')[0] ?? arg).replaceAll('_', '-');
}

/**
 * Applies {@link SERVER_HEAP_FLAGS} to this process; to be called before the server's modules
 * load. A flag the operator set (Node's command line, NODE_OPTIONS) is theirs: left as it is.
 *
 * The start-time flags: restarts this process with them, same pid (`execve`: what a supervisor
 * or the bench watches is the server). Not where execve is missing (Windows, Node < 22.15) or the
 * process has an IPC channel (a forked child would lose it): the server then runs without them.
 *
 * The runtime flags: set through `v8.setFlagsFromString`, not on the command line, where a flag
 * a future V8 no longer knows would stop Node from starting (here it is a line on stderr).
 */
export function withServerHeapFlags(): void {
  const given = new Set([...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].map(flagName));
  const missing = SERVER_HEAP_FLAGS.atStart.filter((flag) => !given.has(flagName(flag)));
  if (missing.length > 0 && typeof process.execve === 'function' && !process.channel) {
    try {
      process.execve(process.execPath, [process.execPath, ...missing, ...process.execArgv, ...process.argv.slice(1)]);
    } catch {
      // The same server without them: it works, with a larger heap.
    }
  }
  for (const flag of SERVER_HEAP_FLAGS.atRuntime) {
    if (!given.has(flagName(flag))) v8.setFlagsFromString(flag);
  }
}
