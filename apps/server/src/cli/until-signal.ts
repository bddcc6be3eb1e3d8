const STOP_SIGNALS = ['SIGTERM', 'SIGINT'] as const;
/**
 * Signals this soon after the first are the same stop: Ctrl-C reaches every process of the
 * terminal's group, and `npm start` and the launcher forward it too.
 */
const SAME_STOP_MS = 1_000;

/**
 * Resolves with the first SIGTERM or SIGINT. A later one (a stuck shutdown) exits at once with
 * 130; one within {@link SAME_STOP_MS} of the first is taken as the same stop.
 */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      const first = Date.now();
      for (const name of STOP_SIGNALS) {
        process.off(name, onSignal);
        process.on(name, () => {
          if (Date.now() - first >= SAME_STOP_MS) process.exit(130);
        });
      }
      resolve(signal);
    };
    for (const name of STOP_SIGNALS) process.on(name, onSignal);
  });
}
