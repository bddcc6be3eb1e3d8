import { contract, ERROR_MESSAGES } from '@realmkit/contract';
import { initServer } from '@ts-rest/express';
import { ServiceUnavailableError } from '../errors/api-error.ts';
import type { ReadinessService } from './readiness.ts';

/** `/healthz` (alive: answers without touching anything) and `/readyz` (ready for traffic). */
export function healthRoutes(readiness: ReadinessService) {
  return initServer().router(contract.health, {
    healthz: async () => ({ status: 200, body: { status: 'ok' } }),
    readyz: async ({ res }) => {
      res.set('Cache-Control', 'no-store');
      const failures = await readiness.failures();
      if (failures.length > 0) {
        throw new ServiceUnavailableError(
          ERROR_MESSAGES.notReady(failures.map((failure) => failure.check)),
          failures.map((failure) => ({ path: failure.check, message: failure.message })),
        );
      }
      return { status: 200, body: { status: 'ok', checks: { database: 'ok', migrations: 'ok', shutdown: 'ok' } } };
    },
  });
}
