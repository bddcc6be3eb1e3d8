import type { MikroORM } from '@mikro-orm/core';
import type { RequestHandler } from 'express';
import { withRequestFork } from '../db/request-fork.ts';

/** A fresh identity map per request, made when the request first uses it (db/request-fork.ts). */
export function requestContext(orm: MikroORM): RequestHandler {
  return (_req, _res, next) => withRequestFork(orm.em, next);
}
