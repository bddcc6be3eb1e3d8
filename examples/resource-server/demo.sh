#!/usr/bin/env bash
# Resource server demo: your own API (server.ts) accepts Realmkit access tokens issued for it,
# Bearer and DPoP-bound (RFC 9449).
#
#   REALMKIT_URL=http://localhost:8080 \
#   REALMKIT_CLIENT_ID=... REALMKIT_CLIENT_SECRET=... \
#   bash examples/resource-server/demo.sh
#
# With a master-realm client it creates a throwaway realm `demo-<random>` holding the API resource
# https://api.myapp.com (scopes read:posts and write:posts), a role with read:posts only and an
# m2m application with that role. It starts server.ts on a free port (RESOURCE_SERVER_PORT to
# choose one), calls it with and without tokens, then with a DPoP-bound token (its proofs made by
# dpop-proof.mjs), then stops it and deletes the realm. Exits non-zero at the first unexpected
# HTTP status or value.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"

AUDIENCE="https://api.myapp.com"

# The step helpers (call, json, expect, expect_challenge, auth, JSON, fail): see lib/http.sh.
# Steps show full URLs: some are on Realmkit, some on the resource server.
# shellcheck disable=SC2034 # read by lib/http.sh
FULL_URL_IN_STEP=1 ON_FAIL=print_api_log
# shellcheck source-path=SCRIPTDIR source=../lib/http.sh disable=SC1091 # followed with shellcheck -x
source "$ROOT/examples/lib/http.sh"
API_LOG="$(mktemp)" DPOP_KEY="$(mktemp)"
REALM_NAME="demo-$RUN_ID"
REALM_CREATED=0 TOKEN="" API_PID=""

# On any exit: stop the resource server, delete the realm if the run stopped half-way, remove
# the temp files.
cleanup() {
  if [[ -n "$API_PID" ]]; then
    kill -TERM -- "-$API_PID" 2>/dev/null || true
    wait "$API_PID" 2>/dev/null || true
  fi
  http_cleanup
  rm -f "$API_LOG" "$DPOP_KEY"
}
trap cleanup EXIT

# Run by fail (ON_FAIL): the resource server's log, once it has been started.
print_api_log() {
  if [[ -n "$API_PID" ]]; then printf 'resource server log:\n%s\n' "$(cat "$API_LOG")"; fi
}

# --- 1. Set up the realm in Realmkit (master-realm token) --------------------------------
NOTE='master realm' call 200 POST /oauth2/master/token -u "$CLIENT_ID:$CLIENT_SECRET" \
  -d grant_type=client_credentials
TOKEN="$(json access_token)"
AUTH=(-H "$(auth "$TOKEN")")

call 201 POST /api/v1/realms "${AUTH[@]}" "${JSON[@]}" \
  -d "{\"name\":\"$REALM_NAME\",\"display_name\":\"Resource server demo\"}"
REALM_CREATED=1
API="/api/v1/$REALM_NAME"

# The issuer the tokens carry: built from the server's REALMKIT_ISSUER_URL, which may differ
# from the URL this script reaches it by (localhost vs 127.0.0.1, a proxy...).
call 200 GET "/oauth2/$REALM_NAME/.well-known/openid-configuration"
ISSUER="$(json issuer)"
# What a DPoP proof for a token request names (its htu): the endpoint as the server publishes it.
TOKEN_ENDPOINT="$(json token_endpoint)"
[[ "$ISSUER" == */oauth2/"$REALM_NAME" ]] || fail "expected the issuer to end with /oauth2/$REALM_NAME"
ISSUER_URL="${ISSUER%/oauth2/"$REALM_NAME"}"

call 201 POST "$API/resources" "${AUTH[@]}" "${JSON[@]}" \
  -d "{\"name\":\"Posts API\",\"indicator\":\"$AUDIENCE\"}"
RESOURCE_ID="$(json data.id)"
NOTE=read:posts call 201 POST "$API/resources/$RESOURCE_ID/scopes" "${AUTH[@]}" "${JSON[@]}" \
  -d '{"name":"read:posts","description":"Read blog posts"}'
READ_SCOPE_ID="$(json data.id)"
NOTE=write:posts call 201 POST "$API/resources/$RESOURCE_ID/scopes" "${AUTH[@]}" "${JSON[@]}" \
  -d '{"name":"write:posts","description":"Write blog posts"}'

call 201 POST "$API/roles" "${AUTH[@]}" "${JSON[@]}" -d '{"name":"posts-reader","description":"Reads posts"}'
ROLE_ID="$(json data.id)"
call 204 POST "$API/roles/$ROLE_ID/scopes" "${AUTH[@]}" "${JSON[@]}" -d "{\"scope_ids\":[\"$READ_SCOPE_ID\"]}"

call 201 POST "$API/applications" "${AUTH[@]}" "${JSON[@]}" -d '{"name":"Posts reader","type":"m2m"}'
APP_ID="$(json data.id)"
APP_CLIENT_ID="$(json data.client_id)"
APP_SECRET="$(json data.client_secret)"
call 204 POST "$API/applications/$APP_ID/roles" "${AUTH[@]}" "${JSON[@]}" -d "{\"role_ids\":[\"$ROLE_ID\"]}"

# --- 2. Tokens for the application -------------------------------------------------------
# For the posts API: `aud` is its indicator, `scope` what the role grants.
NOTE="resource=$AUDIENCE" call 200 POST "/oauth2/$REALM_NAME/token" -u "$APP_CLIENT_ID:$APP_SECRET" \
  -d grant_type=client_credentials --data-urlencode "resource=$AUDIENCE"
expect scope read:posts
POSTS_TOKEN="$(json access_token)"

# Without `resource`: a token for the realm's Management API, another audience.
NOTE='no resource: Management API' call 200 POST "/oauth2/$REALM_NAME/token" -u "$APP_CLIENT_ID:$APP_SECRET" \
  -d grant_type=client_credentials
MANAGEMENT_TOKEN="$(json access_token)"

# --- 3. Start the resource server --------------------------------------------------------
PORT="${RESOURCE_SERVER_PORT:-$(node -e '
  const server = require("net").createServer().listen(0, "127.0.0.1", () => {
    process.stdout.write(String(server.address().port));
    server.close();
  });
')}"
POSTS_URL="http://127.0.0.1:$PORT/posts"
# Its own process group, so that the trap stops the launcher and the node it starts. PUBLIC_URL:
# the URL its clients call it by, which their DPoP proofs name.
setsid env PORT="$PORT" PUBLIC_URL="http://127.0.0.1:$PORT" REALMKIT_URL="$BASE_URL" \
  REALMKIT_ISSUER_URL="$ISSUER_URL" REALMKIT_REALM="$REALM_NAME" API_AUDIENCE="$AUDIENCE" \
  node "$ROOT/scripts/launch.mjs" node "$ROOT/examples/resource-server/server.ts" >"$API_LOG" 2>&1 &
API_PID=$!
# shellcheck disable=SC2034 # STEP is printed by fail (lib/http.sh)
STEP="start the resource server on port $PORT"
for _ in $(seq 1 90); do
  kill -0 "$API_PID" 2>/dev/null || fail "the resource server exited"
  [[ "$(curl -s -o /dev/null -w '%{http_code}' "$POSTS_URL")" != 000 ]] && break
  sleep 1
done
[[ "$(curl -s -o /dev/null -w '%{http_code}' "$POSTS_URL")" != 000 ]] || fail "no answer after 90 s"
echo "ok  resource server on port $PORT"

# --- 4. Call it --------------------------------------------------------------------------
NOTE='read:posts token' call 200 GET "$POSTS_URL" -H "$(auth "$POSTS_TOKEN")"
expect data '[]'

NOTE='read:posts token, needs write:posts' call 403 POST "$POSTS_URL" -H "$(auth "$POSTS_TOKEN")" "${JSON[@]}" \
  -d '{"title":"Hello"}'
expect error insufficient_scope
expect_challenge 'error="insufficient_scope"'

NOTE='no token' call 401 GET "$POSTS_URL"
expect_challenge Bearer

NOTE='garbage token' call 401 GET "$POSTS_URL" -H "$(auth not-a-real-token)"
expect error invalid_token
expect_challenge 'error="invalid_token"'

NOTE='Management API token: wrong audience' call 401 GET "$POSTS_URL" -H "$(auth "$MANAGEMENT_TOKEN")"
expect error invalid_token
[[ "$(json message)" == *'"aud"'* ]] || fail "expected the audience check to refuse the token"
expect_challenge 'error="invalid_token"'

# --- 5. A DPoP-bound token (RFC 9449) ----------------------------------------------------
# The application proves it holds a key (a proof for this token request, signed by it): the token
# is bound to that key (cnf.jkt) and is good only with a fresh proof of it on each request.
PROOF="$(node "$ROOT/examples/resource-server/dpop-proof.mjs" "$DPOP_KEY" POST "$TOKEN_ENDPOINT")"
NOTE="resource=$AUDIENCE, with a DPoP proof" call 200 POST "/oauth2/$REALM_NAME/token" \
  -u "$APP_CLIENT_ID:$APP_SECRET" -H "DPoP: $PROOF" \
  -d grant_type=client_credentials --data-urlencode "resource=$AUDIENCE"
expect token_type DPoP
DPOP_TOKEN="$(json access_token)"

PROOF="$(node "$ROOT/examples/resource-server/dpop-proof.mjs" "$DPOP_KEY" GET "$POSTS_URL" "$DPOP_TOKEN")"
NOTE='DPoP-bound token and a proof of its key' call 200 GET "$POSTS_URL" \
  -H "Authorization: DPoP $DPOP_TOKEN" -H "DPoP: $PROOF"

NOTE='the same proof again: a replay' call 401 GET "$POSTS_URL" \
  -H "Authorization: DPoP $DPOP_TOKEN" -H "DPoP: $PROOF"
expect error invalid_dpop_proof
expect_challenge 'DPoP algs='

NOTE='DPoP-bound token sent as Bearer' call 401 GET "$POSTS_URL" -H "$(auth "$DPOP_TOKEN")"
expect error invalid_token
expect_challenge 'DPoP algs='

# --- Clean up ----------------------------------------------------------------------------
kill -TERM -- "-$API_PID" 2>/dev/null || true
wait "$API_PID" 2>/dev/null || true
API_PID=""
call 204 DELETE "/api/v1/realms/$REALM_NAME" "${AUTH[@]}"
REALM_CREATED=0

echo "$PASSED passed, 0 failed"
