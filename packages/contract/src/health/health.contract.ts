import { initContract } from '@ts-rest/core';
import { errorResponses } from '../common/errors.ts';
import { READINESS_TIMEOUT_SECONDS } from '../common/limits.ts';
import { publicRoute } from '../common/metadata.ts';
import { withMiddleware } from '../common/middleware.ts';
import { Liveness, Readiness } from './health.schemas.ts';

const c = initContract();
const TAG = 'Operations';

/** Probes for load balancers and orchestrators (Kubernetes liveness and readiness). */
export const healthContract = c.router(
  withMiddleware({
    healthz: {
      method: 'GET',
      path: '/healthz',
      responses: { 200: Liveness },
      summary: 'Liveness',
      description:
        'The process is up and its event loop answers, from the moment its port is bound (while it starts, ' +
        'every other route answers 503). Touches nothing else (not the database), so a failing database ' +
        'never gets a healthy instance restarted. Public.',
      metadata: publicRoute(TAG),
    },
    readyz: {
      method: 'GET',
      path: '/readyz',
      responses: { 200: Readiness, ...errorResponses(503) },
      summary: 'Readiness',
      description:
        'Whether this instance should get traffic: the database answers `select 1` within ' +
        `${READINESS_TIMEOUT_SECONDS} s, every migration ` +
        'this version ships is applied, and no shutdown is under way. Otherwise 503 with `Retry-After`, ' +
        '`details` naming each check that failed (`path` is the check): `startup` while the server, its port ' +
        'already bound, applies migrations and the first-start setup. Public.',
      metadata: publicRoute(TAG),
    },
  }),
  { strictStatusCodes: true },
);
