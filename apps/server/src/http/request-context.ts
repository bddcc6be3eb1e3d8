import { type MikroORM, RequestContext } from '@mikro-orm/core';
import type { RequestHandler } from 'express';

/** A fresh identity map per request (MikroORM's request context). */
export function requestContext(orm: MikroORM): RequestHandler {
  return (_req, _res, next) => RequestContext.create(orm.em, next);
}
