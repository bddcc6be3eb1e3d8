import { z } from 'zod';
import { MAX_IDS_PER_REQUEST, MAX_REALM_REF_LENGTH } from './limits.ts';

/** Ids are UUIDs (version 7, time-ordered). */
export const Id = z.uuid().meta({ example: '0199b2f6-3c6e-7d4a-9b1e-2f4f8a6c1d20' });

/** ISO 8601 UTC timestamp. */
export const Timestamp = z.iso.datetime().meta({ example: '2026-01-15T10:30:00.000Z' });

/** `{realm}` in a path: the realm's UUID or its name. */
export const RealmRef = z
  .string()
  .min(1)
  .max(MAX_REALM_REF_LENGTH)
  .meta({ description: "The realm's UUID or its name.", example: 'master' });

export const RealmPathParams = z.object({ realm: RealmRef });
export const RealmIdPathParams = z.object({ realm: RealmRef, id: Id });

/** `.../{id}/roles/{roleId}`: a role assigned to a user or an application. */
export const RealmIdRoleIdPathParams = RealmIdPathParams.extend({ roleId: Id });
/** `.../{id}/scopes/{scopeId}`: a scope of a resource, or one a role holds. */
export const RealmIdScopeIdPathParams = RealmIdPathParams.extend({ scopeId: Id });

/** A set of ids sent to assign things at once (`role_ids`, `scope_ids`). */
export function idList(description: string) {
  return z
    .array(Id)
    .min(1)
    .max(MAX_IDS_PER_REQUEST)
    .meta({ description: `${description} 1..${MAX_IDS_PER_REQUEST} ids; duplicates are ignored.` });
}
/** `.../{id}/federated-credentials/{credentialId}`: a federated credential of an application. */
export const RealmIdCredentialIdPathParams = RealmIdPathParams.extend({ credentialId: Id });
