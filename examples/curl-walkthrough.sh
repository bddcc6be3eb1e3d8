#!/usr/bin/env bash
# Realmkit foundation walkthrough: drives a running server with curl only.
#
#   REALMKIT_URL=http://localhost:8080 \
#   REALMKIT_CLIENT_ID=... REALMKIT_CLIENT_SECRET=... \
#   bash examples/curl-walkthrough.sh
#
# Creates a throwaway realm `walkthrough-<random>`, exercises tokens, discovery, realms, users,
# roles, API resources and their scopes, applications (with their own tokens), user roles and
# password checks, then deletes the realm. Exits non-zero at the first unexpected HTTP status or
# value.
set -euo pipefail

# The step helpers (call, json, expect, claims, auth, JSON, fail): see lib/http.sh.
# shellcheck source-path=SCRIPTDIR source=lib/http.sh disable=SC1091 # followed with shellcheck -x
source "$(dirname "${BASH_SOURCE[0]}")/lib/http.sh"
REALM_NAME="walkthrough-$RUN_ID"
REALM_CREATED=0 TOKEN=""

# On any exit: remove the temp files and, if the run stopped half-way, the realm it created.
trap http_cleanup EXIT

# --- 1. Tokens (client_credentials) ------------------------------------------------------
TOKEN_PATH=/oauth2/master/token

# client_secret_basic: credentials in the Authorization header.
NOTE=client_secret_basic call 200 POST "$TOKEN_PATH" -u "$CLIENT_ID:$CLIENT_SECRET" -d grant_type=client_credentials
expect token_type Bearer
TOKEN="$(json access_token)"

# client_secret_post: credentials in the form body.
NOTE=client_secret_post call 200 POST "$TOKEN_PATH" -d grant_type=client_credentials \
  --data-urlencode "client_id=$CLIENT_ID" --data-urlencode "client_secret=$CLIENT_SECRET"
expect token_type Bearer

# Wrong secret.
NOTE='wrong secret' call 401 POST "$TOKEN_PATH" -u "$CLIENT_ID:not-the-secret" -d grant_type=client_credentials
expect error invalid_client

# A narrowed token that may only read users.
NOTE='scope=users:read' call 200 POST "$TOKEN_PATH" -u "$CLIENT_ID:$CLIENT_SECRET" \
  -d grant_type=client_credentials --data-urlencode 'scope=users:read'
expect scope users:read
READ_TOKEN="$(json access_token)"

# --- 2. Discovery ------------------------------------------------------------------------
call 200 GET /oauth2/master/.well-known/openid-configuration
call 200 GET /oauth2/master/jwks
[[ "$(json keys.length)" -ge 1 ]] || fail "expected at least one key in keys"

# --- 3. Realms (master token) ------------------------------------------------------------
AUTH=(-H "$(auth "$TOKEN")")
call 201 POST /api/v1/realms "${AUTH[@]}" "${JSON[@]}" \
  -d "{\"name\":\"$REALM_NAME\",\"display_name\":\"Walkthrough\"}"
REALM_CREATED=1
expect data.name "$REALM_NAME"
REALM_ID="$(json data.id)"

NOTE='duplicate name' call 409 POST /api/v1/realms "${AUTH[@]}" "${JSON[@]}" \
  -d "{\"name\":\"$REALM_NAME\",\"display_name\":\"Walkthrough again\"}"

call 200 GET '/api/v1/realms?page=1&per_page=20' "${AUTH[@]}"
expect meta.current_page 1
expect meta.per_page 20

call 200 GET "/api/v1/realms/$REALM_NAME" "${AUTH[@]}"
expect data.id "$REALM_ID"
call 200 GET "/api/v1/realms/$REALM_ID" "${AUTH[@]}"
expect data.name "$REALM_NAME"

call 200 PATCH "/api/v1/realms/$REALM_NAME" "${AUTH[@]}" "${JSON[@]}" \
  -d '{"display_name":"Walkthrough (renamed)"}'
expect data.display_name 'Walkthrough (renamed)'

# --- 4. Users: {realm} is the UUID (BY_ID) or the name (BY_NAME) -------------------------
BY_ID="/api/v1/$REALM_ID/users"
BY_NAME="/api/v1/$REALM_NAME/users"

call 201 POST "$BY_ID" "${AUTH[@]}" "${JSON[@]}" \
  -d '{"email":"jane@example.com","name":"Jane Doe","password":"securePassword123"}'
expect data.email jane@example.com
expect data.has_password true
USER_ID="$(json data.id)"

# Emails are unique case-insensitively.
NOTE='duplicate email' call 409 POST "$BY_NAME" "${AUTH[@]}" "${JSON[@]}" \
  -d '{"email":"JANE@example.com","name":"Jane Again","password":"securePassword123"}'
# Weak password.
NOTE='weak password' call 422 POST "$BY_ID" "${AUTH[@]}" "${JSON[@]}" \
  -d '{"email":"weak@example.com","name":"Weak","password":"short"}'
# Unknown field.
NOTE='unknown field' call 400 POST "$BY_NAME" "${AUTH[@]}" "${JSON[@]}" \
  -d '{"email":"odd@example.com","name":"Odd","password":"securePassword123","nickname":"odd"}'

call 200 GET "$BY_NAME?page=1&per_page=20&search=jane" "${AUTH[@]}"
expect meta.total 1

call 200 GET "$BY_ID/$USER_ID" "${AUTH[@]}"
expect data.email jane@example.com

call 200 PATCH "$BY_NAME/$USER_ID" "${AUTH[@]}" "${JSON[@]}" -d '{"name":"Jane Smith"}'
expect data.name 'Jane Smith'

call 200 PATCH "$BY_ID/$USER_ID/password" "${AUTH[@]}" "${JSON[@]}" \
  -d '{"password":"newSecurePassword456"}'

call 200 PATCH "$BY_NAME/$USER_ID/is-suspended" "${AUTH[@]}" "${JSON[@]}" -d '{"is_suspended":true}'
expect data.is_suspended true

call 200 GET "$BY_ID/$USER_ID/identities" "${AUTH[@]}"
expect data '[]'

# The users:read token may list users but not create them.
NOTE='users:read token' call 200 GET "$BY_NAME" -H "$(auth "$READ_TOKEN")"
NOTE='users:read token' call 403 POST "$BY_NAME" -H "$(auth "$READ_TOKEN")" "${JSON[@]}" \
  -d '{"email":"blocked@example.com","name":"Blocked","password":"securePassword123"}'

# No token, then a garbage token.
NOTE='no token' call 401 GET "$BY_ID"
NOTE='garbage token' call 401 GET "$BY_ID" -H "$(auth not-a-real-token)"

call 204 DELETE "$BY_ID/$USER_ID" "${AUTH[@]}"
NOTE='deleted user' call 404 GET "$BY_NAME/$USER_ID" "${AUTH[@]}"

# The rest works in the new realm, addressed by its name.
API="/api/v1/$REALM_NAME"

# --- 5. Roles ----------------------------------------------------------------------------
call 201 POST "$API/roles" "${AUTH[@]}" "${JSON[@]}" -d '{"name":"editor","description":"Can edit content"}'
expect data.name editor
ROLE_ID="$(json data.id)"

NOTE='duplicate name' call 409 POST "$API/roles" "${AUTH[@]}" "${JSON[@]}" -d '{"name":"editor"}'

call 200 GET "$API/roles?page=1&per_page=20" "${AUTH[@]}"
expect meta.total 1
expect data.0.id "$ROLE_ID"

call 200 GET "$API/roles/$ROLE_ID" "${AUTH[@]}"
expect data.description 'Can edit content'

call 200 PATCH "$API/roles/$ROLE_ID" "${AUTH[@]}" "${JSON[@]}" -d '{"description":"Can read posts"}'
expect data.description 'Can read posts'
expect data.name editor

# --- 6. API resources and their scopes ---------------------------------------------------
# Every realm has its built-in Management API, listed first, with the management scopes.
call 200 GET "$API/resources" "${AUTH[@]}"
expect meta.total 1
expect data.0.is_management_api true
MANAGEMENT_ID="$(json data.0.id)"
[[ "$(json data.0.indicator)" == */api/v1/"$REALM_NAME" ]] ||
  fail "expected the Management API indicator to end with /api/v1/$REALM_NAME"

NOTE='Management API' call 200 GET "$API/resources/$MANAGEMENT_ID/scopes?per_page=100" "${AUTH[@]}"
expect meta.total 10
[[ ",$(json data | node -pe 'JSON.parse(require("fs").readFileSync(0)).map((s) => s.name).join(",")')," == *,users:read,* ]] ||
  fail "expected users:read among the Management API scopes"

NOTE='Management API is read-only' call 422 PATCH "$API/resources/$MANAGEMENT_ID" "${AUTH[@]}" "${JSON[@]}" \
  -d '{"name":"Renamed"}'

# A custom API: its indicator becomes the `aud` of the tokens issued for it.
INDICATOR="https://api.walkthrough.example"
call 201 POST "$API/resources" "${AUTH[@]}" "${JSON[@]}" \
  -d "{\"name\":\"Posts API\",\"indicator\":\"$INDICATOR\"}"
expect data.indicator "$INDICATOR"
expect data.is_management_api false
expect data.access_token_ttl 3600
RESOURCE_ID="$(json data.id)"

NOTE='duplicate indicator' call 409 POST "$API/resources" "${AUTH[@]}" "${JSON[@]}" \
  -d "{\"name\":\"Posts API again\",\"indicator\":\"$INDICATOR\"}"

call 200 GET "$API/resources/$RESOURCE_ID" "${AUTH[@]}"
expect data.name 'Posts API'

call 200 PATCH "$API/resources/$RESOURCE_ID" "${AUTH[@]}" "${JSON[@]}" -d '{"access_token_ttl":900}'
expect data.access_token_ttl 900

SCOPES="$API/resources/$RESOURCE_ID/scopes"
NOTE=read:posts call 201 POST "$SCOPES" "${AUTH[@]}" "${JSON[@]}" -d '{"name":"read:posts","description":"Read blog posts"}'
expect data.resource_id "$RESOURCE_ID"
READ_SCOPE_ID="$(json data.id)"
NOTE=write:posts call 201 POST "$SCOPES" "${AUTH[@]}" "${JSON[@]}" -d '{"name":"write:posts","description":"Write blog posts"}'
NOTE=delete:posts call 201 POST "$SCOPES" "${AUTH[@]}" "${JSON[@]}" -d '{"name":"delete:posts"}'
DELETE_SCOPE_ID="$(json data.id)"

NOTE='duplicate scope name' call 409 POST "$SCOPES" "${AUTH[@]}" "${JSON[@]}" -d '{"name":"read:posts"}'

call 200 PATCH "$SCOPES/$READ_SCOPE_ID" "${AUTH[@]}" "${JSON[@]}" -d '{"description":"Read all blog posts"}'
expect data.description 'Read all blog posts'

call 200 GET "$SCOPES" "${AUTH[@]}"
expect meta.total 3
expect data.0.name delete:posts

NOTE=delete:posts call 204 DELETE "$SCOPES/$DELETE_SCOPE_ID" "${AUTH[@]}"
NOTE='after delete' call 200 GET "$SCOPES" "${AUTH[@]}"
expect meta.total 2
expect data.0.name read:posts
expect data.1.name write:posts

# --- 7. The role holds read:posts only ---------------------------------------------------
call 204 POST "$API/roles/$ROLE_ID/scopes" "${AUTH[@]}" "${JSON[@]}" -d "{\"scope_ids\":[\"$READ_SCOPE_ID\"]}"
# All or nothing: an unknown scope id assigns nothing.
NOTE='unknown scope id' call 422 POST "$API/roles/$ROLE_ID/scopes" "${AUTH[@]}" "${JSON[@]}" \
  -d "{\"scope_ids\":[\"$DELETE_SCOPE_ID\"]}"

call 200 GET "$API/roles/$ROLE_ID/scopes" "${AUTH[@]}"
expect meta.total 1
expect data.0.name read:posts
expect data.0.resource.indicator "$INDICATOR"

# --- 8. A machine-to-machine application and its tokens ----------------------------------
NOTE=m2m call 201 POST "$API/applications" "${AUTH[@]}" "${JSON[@]}" -d '{"name":"Posts worker","type":"m2m"}'
expect data.type m2m
APP_ID="$(json data.id)"
APP_CLIENT_ID="$(json data.client_id)"
APP_SECRET="$(json data.client_secret)"
[[ -n "$APP_SECRET" ]] || fail "expected a client_secret in the create response"

# The secret is shown once: never again.
call 200 GET "$API/applications/$APP_ID" "${AUTH[@]}"
expect data.client_id "$APP_CLIENT_ID"
expect data.client_secret ''

call 204 POST "$API/applications/$APP_ID/roles" "${AUTH[@]}" "${JSON[@]}" -d "{\"role_ids\":[\"$ROLE_ID\"]}"
call 200 GET "$API/applications/$APP_ID/roles" "${AUTH[@]}"
expect meta.total 1
expect data.0.name editor

# The realm's own issuer, from its discovery document.
call 200 GET "/oauth2/$REALM_NAME/.well-known/openid-configuration"
REALM_ISSUER="$(json issuer)"
[[ "$REALM_ISSUER" == */oauth2/"$REALM_NAME" ]] || fail "expected the issuer to end with /oauth2/$REALM_NAME"

REALM_TOKEN_PATH="/oauth2/$REALM_NAME/token"
NOTE="resource=$INDICATOR" call 200 POST "$REALM_TOKEN_PATH" -u "$APP_CLIENT_ID:$APP_SECRET" \
  -d grant_type=client_credentials --data-urlencode "resource=$INDICATOR"
expect scope read:posts
expect expires_in 900
claims "$(json access_token)"
expect aud "$INDICATOR"
expect scope read:posts
expect iss "$REALM_ISSUER"
expect client_id "$APP_CLIENT_ID"

# A scope the role does not grant, alone: nothing to grant.
NOTE='scope=write:posts' call 400 POST "$REALM_TOKEN_PATH" -u "$APP_CLIENT_ID:$APP_SECRET" \
  -d grant_type=client_credentials --data-urlencode "resource=$INDICATOR" --data-urlencode 'scope=write:posts'
expect error invalid_scope

NOTE='unknown resource' call 400 POST "$REALM_TOKEN_PATH" -u "$APP_CLIENT_ID:$APP_SECRET" \
  -d grant_type=client_credentials --data-urlencode 'resource=https://unknown.walkthrough.example'
expect error invalid_target

# Rotating the secret: the old one stops working at once.
call 200 POST "$API/applications/$APP_ID/secret" "${AUTH[@]}"
NEW_SECRET="$(json data.client_secret)"
[[ -n "$NEW_SECRET" && "$NEW_SECRET" != "$APP_SECRET" ]] || fail "expected a new client_secret"
NOTE='old secret' call 401 POST "$REALM_TOKEN_PATH" -u "$APP_CLIENT_ID:$APP_SECRET" \
  -d grant_type=client_credentials --data-urlencode "resource=$INDICATOR"
expect error invalid_client
NOTE='new secret' call 200 POST "$REALM_TOKEN_PATH" -u "$APP_CLIENT_ID:$NEW_SECRET" \
  -d grant_type=client_credentials --data-urlencode "resource=$INDICATOR"
expect scope read:posts

# --- 9. A single-page application: public, with checked redirect URIs --------------------
NOTE='spa, http redirect URI' call 422 POST "$API/applications" "${AUTH[@]}" "${JSON[@]}" \
  -d '{"name":"My SPA","type":"spa","redirect_uris":["http://myapp.example/callback"]}'
expect details.0.path redirect_uris.0

NOTE=spa call 201 POST "$API/applications" "${AUTH[@]}" "${JSON[@]}" \
  -d '{"name":"My SPA","type":"spa","redirect_uris":["https://myapp.example/callback"]}'
expect data.redirect_uris '["https://myapp.example/callback"]'
expect data.client_secret ''
SPA_ID="$(json data.id)"
NOTE='public application' call 422 POST "$API/applications/$SPA_ID/secret" "${AUTH[@]}"

# --- 10. User roles and password checks --------------------------------------------------
call 201 POST "$API/users" "${AUTH[@]}" "${JSON[@]}" \
  -d '{"email":"john@example.com","name":"John Doe","password":"securePassword123"}'
JOHN_ID="$(json data.id)"

call 204 POST "$API/users/$JOHN_ID/roles" "${AUTH[@]}" "${JSON[@]}" -d "{\"role_ids\":[\"$ROLE_ID\"]}"
call 200 GET "$API/users/$JOHN_ID/roles" "${AUTH[@]}"
expect meta.total 1
expect data.0.id "$ROLE_ID"
call 204 DELETE "$API/users/$JOHN_ID/roles/$ROLE_ID" "${AUTH[@]}"
NOTE='after remove' call 200 GET "$API/users/$JOHN_ID/roles" "${AUTH[@]}"
expect meta.total 0
NOTE='not assigned' call 404 DELETE "$API/users/$JOHN_ID/roles/$ROLE_ID" "${AUTH[@]}"

NOTE='right password' call 204 POST "$API/users/$JOHN_ID/password/verify" "${AUTH[@]}" "${JSON[@]}" \
  -d '{"password":"securePassword123"}'
NOTE='wrong password' call 422 POST "$API/users/$JOHN_ID/password/verify" "${AUTH[@]}" "${JSON[@]}" \
  -d '{"password":"notThePassword"}'
expect error invalid_credentials

# --- 11. Deleting: the application can no longer get tokens ------------------------------
call 204 DELETE "$API/applications/$APP_ID" "${AUTH[@]}"
NOTE='deleted application' call 401 POST "$REALM_TOKEN_PATH" -u "$APP_CLIENT_ID:$NEW_SECRET" \
  -d grant_type=client_credentials --data-urlencode "resource=$INDICATOR"
expect error invalid_client

call 204 DELETE "$API/roles/$ROLE_ID" "${AUTH[@]}"
NOTE='deleted role' call 404 GET "$API/roles/$ROLE_ID" "${AUTH[@]}"
call 204 DELETE "$API/resources/$RESOURCE_ID" "${AUTH[@]}"
NOTE='deleted resource' call 404 GET "$API/resources/$RESOURCE_ID" "${AUTH[@]}"

# --- 12. The users API by realm name (camelCase, zero-based pages) -----------------------
call 201 POST /api/users "${AUTH[@]}" "${JSON[@]}" \
  -d "{\"realmName\":\"$REALM_NAME\",\"username\":\"alice\",\"email\":\"alice@example.com\",\"firstName\":\"Alice\",\"lastName\":\"Smith\",\"password\":\"SecurePass123!\"}"
expect realmName "$REALM_NAME"
expect enabled true
expect emailVerified false
ALICE_ID="$(json id)"
NOTE='duplicate username' call 409 POST /api/users "${AUTH[@]}" "${JSON[@]}" \
  -d "{\"realmName\":\"$REALM_NAME\",\"username\":\"alice\",\"email\":\"other@example.com\",\"password\":\"SecurePass123!\"}"
call 200 GET "/api/users?realm=$REALM_NAME&page=0&size=20" "${AUTH[@]}"
expect page 0
expect size 20
NOTE='size over 100' call 400 GET "/api/users?realm=$REALM_NAME&size=101" "${AUTH[@]}"
NOTE='unknown realm' call 404 GET '/api/users?realm=no-such-realm' "${AUTH[@]}"
call 200 GET "/api/users/$ALICE_ID" "${AUTH[@]}"
expect username alice
call 200 PUT "/api/users/$ALICE_ID" "${AUTH[@]}" "${JSON[@]}" -d '{"firstName":"Alicia","enabled":false}'
expect firstName Alicia
expect enabled false
NOTE='the same user in v1' call 200 GET "$API/users/$ALICE_ID" "${AUTH[@]}"
expect data.given_name Alicia
expect data.is_suspended true
call 204 PUT "/api/users/$ALICE_ID/password" "${AUTH[@]}" "${JSON[@]}" -d '{"newPassword":"NewSecurePass456!"}'
NOTE='new password' call 204 POST "$API/users/$ALICE_ID/password/verify" "${AUTH[@]}" "${JSON[@]}" \
  -d '{"password":"NewSecurePass456!"}'
call 202 POST "/api/users/$ALICE_ID/send-verify-email" "${AUTH[@]}"
NOTE='again within a minute' call 429 POST "/api/users/$ALICE_ID/send-verify-email" "${AUTH[@]}"
call 204 DELETE "/api/users/$ALICE_ID" "${AUTH[@]}"
NOTE='deleted user' call 404 GET "/api/users/$ALICE_ID" "${AUTH[@]}"

# --- The audit log: every write above, who made it, never the values sent -----------------
NOTE="Alice's password changes" call 200 GET "$API/audit-logs?target_id=$ALICE_ID&action=user.password_set" "${AUTH[@]}"
expect meta.total 1
expect data.0.actor.client_id "$CLIENT_ID"
expect data.0.outcome success
NOTE='refused writes too' call 200 GET "$API/audit-logs?target_id=$ALICE_ID&action=user.verify_email_sent" "${AUTH[@]}"
expect meta.total 2
expect data.0.status 429

# --- Clean up ----------------------------------------------------------------------------
call 204 DELETE "/api/v1/realms/$REALM_NAME" "${AUTH[@]}"
REALM_CREATED=0

echo "$PASSED passed, 0 failed"
