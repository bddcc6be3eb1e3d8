import { z } from 'zod';

export const ErrorDetail = z
  .object({
    path: z.string().meta({ description: 'Where the problem is: a body field (`email`), a query or path parameter.' }),
    message: z.string(),
  })
  .meta({ id: 'ErrorDetail' });

/** The one error shape of every non-OAuth endpoint. */
export const ErrorBody = z
  .object({
    error: z.string().meta({ description: 'Stable machine-readable code, e.g. `not_found`.', example: 'not_found' }),
    message: z.string().meta({ description: 'Human-readable explanation.', example: 'User not found' }),
    details: z.array(ErrorDetail).optional(),
  })
  .meta({ id: 'Error' });
export type ErrorBody = z.infer<typeof ErrorBody>;

/** Error codes the API answers with, by HTTP status. */
export const ERROR_CODES = {
  400: 'invalid_request',
  401: 'invalid_token',
  403: 'insufficient_scope',
  404: 'not_found',
  409: 'conflict',
  412: 'precondition_failed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'validation_failed',
  429: 'rate_limited',
  500: 'internal_error',
  503: 'service_unavailable',
} as const;

export type ErrorStatus = keyof typeof ERROR_CODES;

/** `responses` entries for the error statuses a route can answer with. */
export function errorResponses<const S extends readonly ErrorStatus[]>(...statuses: S) {
  return Object.fromEntries(statuses.map((status) => [status, ErrorBody])) as { [K in S[number]]: typeof ErrorBody };
}
