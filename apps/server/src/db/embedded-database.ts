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
