import { open, readFile, rm } from 'node:fs/promises';

/** Another live process holds the embedded database: two PGlite instances on one directory corrupt it. */
export class DataDirInUseError extends Error {
  override name = 'DataDirInUseError';
  readonly code = 'ERR_REALMKIT_DATA_DIR_IN_USE';
}

/**
 * Takes `file` as an exclusive lock holding this process's pid. A lock left by a process that
 * no longer runs (a crash, a `kill -9`) is taken over. Returns the release function.
 *
 * @example
 * const release = await lockDataDir('.realmkit/pgdata.lock', '.realmkit/pgdata');
 * try { ... } finally { await release(); }
 */
export async function lockDataDir(file: string, dataDir: string): Promise<() => Promise<void>> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(file, 'wx', 0o600);
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return () => rm(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number.parseInt(await readFile(file, 'utf8').catch(() => ''), 10);
    if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isRunning(holder)) {
      throw new DataDirInUseError(
        `the embedded database in ${dataDir} is in use by process ${holder}. Stop that process first ` +
          '(only one process can open the embedded database), or use PostgreSQL (DATABASE_URL) to run several.',
      );
    }
    await rm(file, { force: true });
  }
  throw new DataDirInUseError(`could not lock ${file}: another process keeps taking it`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
