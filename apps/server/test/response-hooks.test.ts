import type { AddressInfo } from 'node:net';
import express, { type Express, type RequestHandler } from 'express';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../src/errors/api-error.ts';
import { errorHandler, notFoundHandler } from '../src/http/error-handler.ts';
import { requestId } from '../src/http/request-id.ts';
import {
  ANSWERED,
  onResponse,
  type ResponseHooks,
  type ResponseStep,
  responseHooks,
  responseStep,
} from '../src/http/response-hooks.ts';
import { capturingLogger } from './support/capturing-logger.ts';

const first = responseStep('first');
const second = responseStep('second');
const third = responseStep('third');

/** A middleware registering `step`'s hooks, as the audit trail, idempotency and the others do. */
function registering(step: ResponseStep, hooks: ResponseHooks): RequestHandler {
  return (_req, res, next) => {
    onResponse(res, step, hooks);
    next();
  };
}

interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

/** Starts `app`, sends GET `path`, stops it. */
async function get(app: Express, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  const listening = app.listen(0);
  await new Promise((resolve) => listening.once('listening', resolve));
  try {
    const { port } = listening.address() as AddressInfo;
    const response = await fetch(`http://127.0.0.1:${port}${path}`, { headers });
    return { status: response.status, headers: response.headers, text: await response.text() };
  } finally {
    listening.close();
  }
}

/** An app with the hooks of `first`, `second` and `third`, in that order, and the server's error handling. */
function appWith(
  logger: ReturnType<typeof capturingLogger>['logger'],
  routes: (app: Express) => void,
  order: readonly ResponseStep[] = [first, second, third],
): Express {
  const app = express();
  app.use(requestId);
  app.use(responseHooks(order, logger));
  routes(app);
  app.use(notFoundHandler);
  app.use(errorHandler(logger));
  return app;
}

describe('response hooks', () => {
  it('leave a response without hooks as Express makes it', async () => {
    const plain = express();
    const hooked = express();
    const { logger } = capturingLogger();
    hooked.use(responseHooks([first], logger));
    const patched: string[] = [];
    for (const app of [plain, hooked]) {
      app.get('/item', (_req, res) => {
        for (const method of ['json', 'end', 'writeHead', 'send', 'write'] as const) {
          if (Object.hasOwn(res, method)) patched.push(method);
        }
        res.status(201).setHeader('ETag', '"abc"');
        res.json({ id: 1, name: 'é' });
      });
    }
    const [before, after] = [await get(plain, '/item'), await get(hooked, '/item')];
    expect(patched).toEqual([]);
    expect(after.status).toBe(before.status);
    expect(after.text).toBe(before.text);
    const headers = (answer: Answer) => [...answer.headers].filter(([name]) => name !== 'date');
    expect(headers(after)).toEqual(headers(before));
  });

  it('run at each moment in the order given, not the order they registered in', async () => {
    const calls: string[] = [];
    const { logger } = capturingLogger();
    const hooksOf = (step: ResponseStep): ResponseHooks => ({
      beforeBody: () => {
        calls.push(`${step.name}.beforeBody`);
        return undefined;
      },
      beforeEnd: async () => {
        calls.push(`${step.name}.beforeEnd`);
        // The next step's hook waits for this one to settle.
        await new Promise((resolve) => setTimeout(resolve, 20));
        calls.push(`${step.name}.beforeEnd settled`);
      },
      beforeHead: () => {
        calls.push(`${step.name}.beforeHead`);
      },
    });
    const app = appWith(logger, (app) => {
      app.get('/item', registering(third, hooksOf(third)), registering(first, hooksOf(first)), (_req, res, next) => {
        onResponse(res, second, hooksOf(second));
        next();
      });
      app.get('/item', (_req, res) => {
        res.json({ ok: true });
      });
    });
    const answer = await get(app, '/item');
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ ok: true });
    expect(calls).toEqual([
      'first.beforeBody',
      'second.beforeBody',
      'third.beforeBody',
      'first.beforeEnd',
      'first.beforeEnd settled',
      'second.beforeEnd',
      'second.beforeEnd settled',
      'third.beforeEnd',
      'third.beforeEnd settled',
      'first.beforeHead',
      'second.beforeHead',
      'third.beforeHead',
    ]);
  });

  it('hold the response until the beforeEnd hooks settled, and give them the complete response', async () => {
    const { logger } = capturingLogger();
    let seen: unknown;
    let settledAt = 0;
    const app = appWith(logger, (app) => {
      app.post(
        '/item',
        registering(first, {
          beforeEnd: async (response) => {
            seen = response;
            await new Promise((resolve) => setTimeout(resolve, 150));
            settledAt = Date.now();
          },
        }),
      );
      app.post('/item', (_req, res) => {
        res.status(201).json({ id: 'né' });
      });
    });
    const listening = app.listen(0);
    await new Promise((resolve) => listening.once('listening', resolve));
    try {
      const { port } = listening.address() as AddressInfo;
      const response = await fetch(`http://127.0.0.1:${port}/item`, { method: 'POST' });
      const receivedAt = Date.now();
      expect(response.status).toBe(201);
      expect(await response.json()).toEqual({ id: 'né' });
      expect(settledAt).toBeGreaterThan(0);
      expect(receivedAt).toBeGreaterThanOrEqual(settledAt);
      expect(seen).toEqual({ status: 201, body: '{"id":"né"}' });
    } finally {
      listening.close();
    }
  });

  it('see the final status: the one the error handler answers, the 304 a beforeBody hook answers', async () => {
    const { logger } = capturingLogger();
    const statuses: string[] = [];
    const recording: ResponseHooks = {
      beforeEnd: async ({ status }) => {
        statuses.push(`beforeEnd ${status}`);
      },
      beforeHead: (status) => {
        statuses.push(`beforeHead ${status}`);
      },
    };
    const app = appWith(logger, (app) => {
      app.get('/conflict', registering(second, recording), () => {
        throw new ApiError(409, 'Taken');
      });
      app.get('/cached', registering(second, recording), (_req, res, next) => {
        onResponse(res, first, {
          beforeBody: () => {
            res.status(304).end();
            return ANSWERED;
          },
        });
        next();
      });
      app.get('/cached', (_req, res) => {
        res.setHeader('ETag', '"v1"').json({ never: 'sent' });
      });
    });
    const conflict = await get(app, '/conflict');
    expect(conflict.status).toBe(409);
    expect(statuses).toEqual(['beforeEnd 409', 'beforeHead 409']);
    statuses.length = 0;
    const cached = await get(app, '/cached');
    expect(cached.status).toBe(304);
    expect(cached.text).toBe('');
    expect(statuses).toEqual(['beforeEnd 304', 'beforeHead 304']);
  });

  it('stop the body when a beforeBody hook answered in its place: later steps do not see it', async () => {
    const { logger } = capturingLogger();
    const seen: string[] = [];
    const app = appWith(logger, (app) => {
      app.get('/item', (_req, res) => {
        onResponse(res, third, {
          beforeBody: () => {
            seen.push('third');
            return undefined;
          },
        });
        onResponse(res, second, {
          beforeBody: () => {
            seen.push('second');
            res.status(304).end();
            return ANSWERED;
          },
        });
        onResponse(res, first, {
          beforeBody: () => {
            seen.push('first');
            return undefined;
          },
        });
        res.json({ id: 1 });
      });
    });
    const answer = await get(app, '/item');
    expect(answer.status).toBe(304);
    expect(seen).toEqual(['first', 'second']);
  });

  it('that throw or reject are logged and skipped: the response still goes out, whole, and the process lives on', async () => {
    const capture = capturingLogger();
    const ran: string[] = [];
    const app = appWith(capture.logger, (app) => {
      app.get('/item', (_req, res) => {
        onResponse(res, first, {
          beforeBody: () => {
            throw new Error('beforeBody broke');
          },
          beforeEnd: () => {
            throw new Error('beforeEnd broke');
          },
          beforeHead: () => {
            throw new Error('beforeHead broke');
          },
        });
        onResponse(res, second, {
          beforeEnd: () => Promise.reject(new Error('beforeEnd rejected')),
        });
        onResponse(res, third, {
          beforeBody: () => {
            ran.push('beforeBody');
            return undefined;
          },
          beforeEnd: async () => {
            ran.push('beforeEnd');
          },
          beforeHead: () => {
            ran.push('beforeHead');
          },
        });
        res.status(201).json({ id: 1 });
      });
    });
    for (const requestId of ['hooks-1', 'hooks-2']) {
      const answer = await get(app, '/item', { 'x-request-id': requestId });
      expect(answer.status).toBe(201);
      expect(JSON.parse(answer.text)).toEqual({ id: 1 });
    }
    expect(ran).toEqual(['beforeBody', 'beforeEnd', 'beforeHead', 'beforeBody', 'beforeEnd', 'beforeHead']);
    const failures = capture.lines.filter((line) => line.reqId === 'hooks-1' && line.level === 50);
    expect(failures.map((line) => [line.step, line.moment, (line.err as { message: string }).message])).toEqual([
      ['first', 'beforeBody', 'beforeBody broke'],
      ['first', 'beforeEnd', 'beforeEnd broke'],
      ['second', 'beforeEnd', 'beforeEnd rejected'],
      ['first', 'beforeHead', 'beforeHead broke'],
    ]);
  });

  it('refuse a step that is not in the order, or without responseHooks mounted: a step must not silently never run', async () => {
    const { logger } = capturingLogger('silent');
    const unlisted = appWith(logger, (app) => {
      app.get('/item', registering(responseStep('unlisted'), {}), (_req, res) => {
        res.json({});
      });
    });
    expect((await get(unlisted, '/item')).status).toBe(500);

    const unmounted = express();
    unmounted.get('/item', registering(first, {}), (_req, res) => {
      res.json({});
    });
    unmounted.use(errorHandler(logger));
    expect((await get(unmounted, '/item')).status).toBe(500);

    expect(() => responseHooks([first, second, first], logger)).toThrow(/listed twice/);
  });
});
