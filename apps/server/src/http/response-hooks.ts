import type { ServerResponse } from 'node:http';
import type { RequestHandler, Response } from 'express';
import type { Logger } from 'pino';

/**
 * One mechanism for the steps that act on a response once a route answers (the `ETag`'s 304,
 * the audit trail, the idempotency key's outcome, the hot-path cache's clearing): each step
 * registers hooks for the moments below with {@link onResponse}, instead of patching `res` itself,
 * and at every moment the hooks run in one order, given once to {@link responseHooks} (app.ts),
 * not in the order the steps' middleware happened to run in.
 *
 * The response is patched once, when its first hook is registered: a response without hooks is
 * left as Express made it.
 *
 * The moments, in the order a JSON answer goes through them:
 * 1. `beforeBody`: `res.json(body)`, before the body is serialised;
 * 2. `beforeEnd`: `res.end(...)`, the whole response known (status, headers, body), nothing sent;
 *    the response waits for these hooks;
 * 3. `beforeHead`: `res.writeHead`, called by `end` (or by a stream's first write), just before
 *    the status line and headers go out.
 *
 * A hook that throws (or whose promise rejects) is logged and skipped: the response goes out all
 * the same, and the next hooks run.
 */

/** A step that acts on responses; {@link responseHooks} is given their order. */
export interface ResponseStep {
  readonly name: string;
}

export function responseStep(name: string): ResponseStep {
  return Object.freeze({ name });
}

/** The response as it is about to leave: for {@link ResponseHooks.beforeEnd}. */
export interface CompleteResponse {
  readonly status: number;
  /** The body as UTF-8 text, `''` when there is none. */
  readonly body: string;
}

/** What a `beforeBody` hook returns after answering in the body's place (a 304, say). */
export const ANSWERED = 'answered';

export interface ResponseHooks {
  /**
   * The body a route gives `res.json`, before it is serialised. Returns {@link ANSWERED} when the
   * hook answered in its place (`res.status(304).end()`): the body is then not sent, and the
   * `beforeBody` hooks of later steps are not called.
   */
  beforeBody?(body: unknown): typeof ANSWERED | undefined;
  /**
   * The complete response, before any of it is sent. The hooks run one after the other, each
   * once the previous one's promise settled; the response leaves when the last has settled. A
   * hook that must not hold the response long bounds its own wait. These hooks read the response;
   * they do not answer in its place (`end` is called once they all settled).
   */
  beforeEnd?(response: CompleteResponse): Promise<void> | void;
  /** The final status, just before it and the headers are written. */
  beforeHead?(status: number): void;
}

type Moment = keyof ResponseHooks;

interface Registered {
  readonly step: ResponseStep;
  readonly rank: number;
  readonly hooks: ResponseHooks;
}

interface Registry {
  readonly ranks: ReadonlyMap<ResponseStep, number>;
  readonly logger: Logger;
  readonly requestId: string | undefined;
  /** Sorted by rank; steps of one rank (one step registered twice) in the order they registered. */
  readonly registered: Registered[];
  patched: boolean;
}

const registries = new WeakMap<ServerResponse, Registry>();

/**
 * Makes {@link onResponse} usable on every response after it, with the steps' hooks run in
 * `order` at each moment. Mounted once, before the first step that registers.
 */
export function responseHooks(order: readonly ResponseStep[], logger: Logger): RequestHandler {
  const ranks = new Map(order.map((step, rank) => [step, rank]));
  if (ranks.size !== order.length) throw new Error('responseHooks: a step is listed twice in the order');
  return (req, res, next) => {
    registries.set(res, { ranks, logger, requestId: req.id, registered: [], patched: false });
    next();
  };
}

/**
 * Registers `step`'s hooks on this response. Throws when {@link responseHooks} was not mounted
 * before, or was not given `step`: a step that would silently never run is a wiring mistake.
 */
export function onResponse(res: Response, step: ResponseStep, hooks: ResponseHooks): void {
  const registry = registries.get(res);
  if (!registry) throw new Error(`Response step "${step.name}": responseHooks is not mounted before it`);
  const rank = registry.ranks.get(step);
  if (rank === undefined) throw new Error(`Response step "${step.name}" is not in the order given to responseHooks`);
  const after = registry.registered.findIndex((other) => other.rank > rank);
  registry.registered.splice(after === -1 ? registry.registered.length : after, 0, { step, rank, hooks });
  if (!registry.patched) {
    registry.patched = true;
    patch(res, registry);
  }
}

function failed(registry: Registry, step: ResponseStep, moment: Moment, error: unknown): void {
  registry.logger.error(
    { err: error, reqId: registry.requestId, step: step.name, moment },
    'a response hook failed; the response goes on without it',
  );
}

function textOf(chunk: unknown): string {
  if (typeof chunk === 'string') return chunk;
  if (chunk instanceof Uint8Array)
    return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('utf8');
  return '';
}

async function runBeforeEnd(registry: Registry, hooks: readonly Registered[], response: CompleteResponse) {
  for (const { step, hooks: stepHooks } of hooks) {
    try {
      await stepHooks.beforeEnd?.(response);
    } catch (error) {
      failed(registry, step, 'beforeEnd', error);
    }
  }
}

function patch(res: Response, registry: Registry): void {
  const json = res.json;
  const end = res.end;
  const writeHead = res.writeHead;

  res.json = (body: unknown) => {
    for (const { step, hooks } of registry.registered) {
      if (!hooks.beforeBody) continue;
      try {
        if (hooks.beforeBody(body) === ANSWERED) return res;
      } catch (error) {
        failed(registry, step, 'beforeBody', error);
      }
    }
    return json.call(res, body);
  };

  res.end = ((...args: unknown[]) => {
    const waiting = registry.registered.filter(({ hooks }) => hooks.beforeEnd);
    // Once: a hook's own `end`, and a second call while the hooks run, go straight out.
    res.end = end;
    const send = () => (end as (...args: unknown[]) => Response).apply(res, args);
    if (waiting.length === 0) return send();
    const response = { status: res.statusCode, body: textOf(args[0]) };
    runBeforeEnd(registry, waiting, response)
      .then(send)
      .catch((error: unknown) =>
        registry.logger.error({ err: error, reqId: registry.requestId }, 'the response could not be sent'),
      );
    return res;
  }) as Response['end'];

  res.writeHead = function (this: Response, ...args: Parameters<Response['writeHead']>) {
    const status = typeof args[0] === 'number' ? args[0] : res.statusCode;
    for (const { step, hooks } of registry.registered) {
      if (!hooks.beforeHead) continue;
      try {
        hooks.beforeHead(status);
      } catch (error) {
        failed(registry, step, 'beforeHead', error);
      }
    }
    return writeHead.apply(this, args);
  } as Response['writeHead'];
}
