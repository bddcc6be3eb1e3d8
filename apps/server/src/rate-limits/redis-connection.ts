import { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** A Redis command slower than this counts as a failure: the quota falls back to memory. */
const COMMAND_TIMEOUT_MS = 500;
/** How long a start waits for Redis, so that limits are shared from the first request. */
const CONNECT_WAIT_MS = 3000;

/**
 * The connection rate limits share. Commands fail at once while disconnected (no offline queue)
 * and reconnection goes on in the background, so a Redis outage never holds requests. Resolves
 * once connected, or at the first failure or after {@link CONNECT_WAIT_MS}: a start never fails
 * for want of Redis.
 */
export async function connectRedis(url: string, logger: Logger): Promise<Redis> {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    commandTimeout: COMMAND_TIMEOUT_MS,
    maxRetriesPerRequest: 1,
    connectionName: 'realmkit-rate-limits',
  });
  let down = false;
  redis.on('error', (error: Error) => {
    if (!down) logger.warn({ err: { message: error.message } }, 'rate limits: lost the connection to Redis');
    down = true;
  });
  redis.on('ready', () => {
    if (down) logger.info('rate limits: Redis is reachable again; limits are shared');
    down = false;
  });
  let timer: NodeJS.Timeout | undefined;
  await new Promise<void>((resolve) => {
    redis.once('ready', resolve);
    redis.once('error', () => resolve());
    timer = setTimeout(resolve, CONNECT_WAIT_MS);
  });
  clearTimeout(timer);
  return redis;
}
