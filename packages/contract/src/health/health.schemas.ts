import { z } from 'zod';

/** `GET /healthz`: the process answers. */
export const Liveness = z.object({ status: z.literal('ok') }).meta({ id: 'Liveness', example: { status: 'ok' } });
export type Liveness = z.infer<typeof Liveness>;

/**
 * The checks `GET /readyz` reports, in order. `startup` fails only between the port being bound
 * and the server being ready (migrations, first-start setup), when nothing else is checked yet.
 */
export const READINESS_CHECKS = ['startup', 'database', 'migrations', 'shutdown'] as const;
export type ReadinessCheck = (typeof READINESS_CHECKS)[number];

/** `GET /readyz` when every check passes. */
export const Readiness = z
  .object({
    status: z.literal('ok'),
    checks: z
      .object({
        database: z.literal('ok').meta({ description: 'The database answered `select 1` in time.' }),
        migrations: z.literal('ok').meta({ description: 'Every migration this version ships is applied.' }),
        shutdown: z.literal('ok').meta({ description: 'No shutdown is under way.' }),
      })
      .meta({ description: 'Each check, all passed.' }),
  })
  .meta({ id: 'Readiness', example: { status: 'ok', checks: { database: 'ok', migrations: 'ok', shutdown: 'ok' } } });
export type Readiness = z.infer<typeof Readiness>;
