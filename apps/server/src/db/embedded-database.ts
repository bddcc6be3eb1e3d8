import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { lockDataDir } from './data-dir-lock.ts';

export interface EmbeddedDatabase {
  /** A `postgres://` URL that the ordinary PostgreSQL driver connects to. */
  readonly url: string;
  stop(): Promise<void>;
}

export interface EmbeddedDatabaseOptions {
  /** Directory PGlite keeps its files in; `undefined` keeps everything in memory (tests). */
  dataDir: string | undefined;
  /** Client connections the socket multiplexes onto PGlite's single session. */
  maxConnections: number;
}

/**
 * PostgreSQL's buffer cache in the embedded database (decision 0016). PGlite keeps PostgreSQL's
 * default, 128 MB, in the process's own memory, and it is all resident from the start (the
 * server's RSS: 130 MB more than with 16 MB). The embedded database serves one process and
 * small data sets; its files are still in the OS's page cache. Per start, not in the data
 * directory's postgresql.conf.
 */
export const EMBEDDED_SHARED_BUFFERS = '16MB';

/**
 * Starts PGlite and serves it on a loopback port through pglite-socket, so the server talks to
 * it exactly as it talks to PostgreSQL: one SQL dialect, one driver, one migration set.
 *
 * PGlite runs one transaction at a time; pglite-socket holds other connections' queries until
 * it ends. Keep transactions short and never wait on a second connection inside one.
 */
export async function startEmbeddedDatabase(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  let unlock = async () => {};
  if (options.dataDir) {
    await mkdir(options.dataDir, { recursive: true });
    unlock = await lockDataDir(`${options.dataDir}.lock`, options.dataDir);
  }
  try {
    const db = await PGlite.create({
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      extensions: { pg_trgm },
      startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${EMBEDDED_SHARED_BUFFERS}`],
    });
    const server = new PGLiteSocketServer({
      db,
      host: '127.0.0.1',
      port: 0,
      maxConnections: options.maxConnections,
    });
    await server.start();
    return {
      url: `postgres://postgres@${server.getServerConn()}/postgres`,
      async stop() {
        await server.stop();
        await db.close();
        await unlock();
      },
    };
  } catch (error) {
    await unlock();
    throw error;
  }
}
