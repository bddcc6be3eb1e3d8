import type { AppRoute } from '@ts-rest/core';
import type { z } from 'zod';

/** What a route accepts as its JSON body, from the contract's zod schema. */
export type RequestBody<R extends AppRoute> = R extends { body: infer B }
  ? B extends z.ZodType
    ? z.input<B>
    : never
  : never;

/** What a route accepts as its query, from the contract's zod schema. */
export type RequestQuery<R extends AppRoute> = R extends { query: infer Q }
  ? Q extends z.ZodType
    ? z.input<Q>
    : never
  : never;

/** The body a route answers with a status, from the contract's zod schema. */
export type ResponseBody<R extends AppRoute, S extends keyof R['responses']> = R['responses'][S] extends z.ZodType
  ? z.output<R['responses'][S]>
  : never;

/** `data` of a `{ data }` response. */
export type ResponseData<R extends AppRoute, S extends keyof R['responses']> =
  ResponseBody<R, S> extends {
    data: infer D;
  }
    ? D
    : never;

/** An item of a `{ data: [...], meta }` list response. */
export type ListItem<R extends AppRoute> = ResponseData<R, 200> extends (infer T)[] ? T : never;

/** `meta` of a list response: `PageMeta`, or `CursorPageMeta` (with `next_after`) for lists that take `after`. */
export type ListMeta<R extends AppRoute> = ResponseBody<R, 200> extends { meta: infer M } ? M : never;
