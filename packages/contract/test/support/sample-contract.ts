import { initContract } from '@ts-rest/core';
import { z } from 'zod';
import { errorResponses } from '../../src/common/errors.ts';
import { publicRoute, requires } from '../../src/common/metadata.ts';
import { withMiddleware } from '../../src/common/middleware.ts';
import { ListQuery, listOf, single } from '../../src/common/pagination.ts';
import { RealmIdPathParams, RealmPathParams } from '../../src/common/primitives.ts';
import { REALM_MANAGEMENT_RESPONSES, REALM_OAUTH_RESPONSES } from '../../src/common/responses.ts';
import { OAuthErrorBody, TokenRequest, TokenResponse } from '../../src/oauth/oauth.schemas.ts';

const c = initContract();

/** A thing of a realm, as a v1 resource. */
export const Widget = z.object({ id: z.uuid(), name: z.string() }).meta({ id: 'Widget' });

export const CreateWidgetBody = z
  .strictObject({ name: z.string().min(1).max(64), email: z.email().optional() })
  .meta({ id: 'CreateWidget', example: { name: 'gear' } });

/**
 * A small contract shaped like Realmkit's: a Management API router with `commonResponses` and
 * `withMiddleware`, and a realm's token endpoint; the unit tests of the generator run on it.
 */
export const sample = {
  widgets: c.router(
    withMiddleware({
      list: {
        method: 'GET',
        path: '',
        pathParams: RealmPathParams,
        query: ListQuery,
        responses: { 200: listOf(Widget) },
        summary: 'List widgets',
        description: 'Newest first.',
        metadata: requires('roles:read', 'Widgets'),
      },
      create: {
        method: 'POST',
        path: '',
        pathParams: RealmPathParams,
        body: CreateWidgetBody,
        responses: { 201: single(Widget), ...errorResponses(409) },
        summary: 'Create a widget',
        description: 'Names are unique (409).',
        metadata: requires('roles:write', 'Widgets', { etag: true }),
      },
      update: {
        method: 'PATCH',
        path: '/:id',
        pathParams: RealmIdPathParams,
        body: CreateWidgetBody.partial(),
        responses: { 200: single(Widget) },
        summary: 'Update a widget',
        description: 'Only the fields sent change.',
        metadata: requires('roles:write', 'Widgets', { etag: true, masterOnly: true }),
      },
      delete: {
        method: 'DELETE',
        path: '/:id',
        pathParams: RealmIdPathParams,
        body: c.noBody(),
        responses: { 204: c.noBody() },
        summary: 'Delete a widget',
        description: 'Gone for good.',
        metadata: requires('roles:write', 'Widgets'),
      },
    }),
    { pathPrefix: '/api/v1/:realm/widgets', strictStatusCodes: true, commonResponses: REALM_MANAGEMENT_RESPONSES },
  ),
  oauth: c.router(
    withMiddleware({
      token: {
        method: 'POST',
        path: '/oauth2/:realm/token',
        pathParams: RealmPathParams,
        contentType: 'application/x-www-form-urlencoded',
        body: TokenRequest,
        responses: { 200: TokenResponse, 400: OAuthErrorBody, 401: OAuthErrorBody, 429: OAuthErrorBody },
        summary: 'Issue an access token',
        description: 'client_credentials.',
        metadata: publicRoute('OAuth 2.0', {
          oauthErrors: ['invalid_request', 'invalid_client', 'invalid_scope', 'rate_limited'],
        }),
      },
      jwks: {
        method: 'GET',
        path: '/oauth2/:realm/jwks',
        pathParams: RealmPathParams,
        responses: { 200: z.object({ keys: z.array(z.object({ kid: z.string() })) }) },
        summary: 'Keys',
        description: 'The JWKS.',
        metadata: publicRoute('OAuth 2.0'),
      },
    }),
    { strictStatusCodes: true, commonResponses: REALM_OAUTH_RESPONSES },
  ),
};
