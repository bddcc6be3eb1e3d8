import { initContract } from '@ts-rest/core';
import { requires } from '../common/metadata.ts';
import { withMiddleware } from '../common/middleware.ts';
import { REALMS_API_PATH } from '../common/paths.ts';
import { RealmPathParams } from '../common/primitives.ts';
import { REALM_MANAGEMENT_RESPONSES } from '../common/responses.ts';
import { RotateKeysBody, SigningKeyList } from './signing-key.schemas.ts';

const c = initContract();
const TAG = 'Realms';

/** `/api/v1/realms/{realm}/keys`: a realm's signing keys (master-realm tokens only, like the realms API). */
export const signingKeysContract = c.router(
  withMiddleware({
    listKeys: {
      method: 'GET',
      path: '',
      pathParams: RealmPathParams,
      responses: { 200: SigningKeyList },
      summary: "List a realm's signing keys",
      description:
        'The keys in the JWKS: the active one and those retiring, newest first, with their algorithm and when ' +
        'each retiring key leaves the JWKS. Public information only.',
      metadata: requires('realms:read', TAG, { masterOnly: true }),
    },
    rotateKeys: {
      method: 'POST',
      path: '/rotate',
      pathParams: RealmPathParams,
      body: RotateKeysBody.optional(),
      responses: { 200: SigningKeyList },
      summary: "Rotate a realm's signing key",
      description:
        "Makes a new active key (of `algorithm`, default the realm's) that signs every token from now on; every " +
        'instance uses it within seconds. The previous key keeps verifying: it stays in the JWKS until the last ' +
        'token it signed has expired (its longest token lifetime plus a leeway), then leaves it. Answers the ' +
        "realm's keys. A rotation changes the realm (its `updated_at` and `ETag`): `If-Match` takes the realm's " +
        "`ETag` (from `GET /api/v1/realms/{realm}`), and the response's `ETag` is the realm's new one.",
      metadata: requires('realms:write', TAG, { masterOnly: true, etag: true, action: true }),
    },
  }),
  {
    pathPrefix: `${REALMS_API_PATH}/:realm/keys`,
    strictStatusCodes: true,
    commonResponses: REALM_MANAGEMENT_RESPONSES,
  },
);
