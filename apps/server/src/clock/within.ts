/**
 * Whether `work` settles (resolves or rejects) within `ms`. The timer does not keep the process
 * alive, and is cleared as soon as the work settles.
 *
 * @example
 * if (!(await settlesWithin(5_000, pool.end()))) logger.warn('the pool did not close');
 */
export function settlesWithin(ms: number, work: Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
    timer.unref();
  });
  const settled = work.then(
    () => true,
    () => true,
  );
  return Promise.race([settled, timeout]).finally(() => clearTimeout(timer));
}
