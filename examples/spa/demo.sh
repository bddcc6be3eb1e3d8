#!/usr/bin/env bash
# SPA demo: a user signs in to the single-page app with Realmkit, end to end, in a real browser
# (Debian's Chromium driven by playwright-core: browser-check.ts).
#
#   REALMKIT_URL=http://localhost:8080 \
#   REALMKIT_CLIENT_ID=... REALMKIT_CLIENT_SECRET=... \
#   bash examples/spa/demo.sh
#
# With a master-realm client it creates a throwaway realm `spa-<random>` holding the API resource
# https://api.myapp.com (scopes read:posts and write:posts), a role with read:posts only, a user
# with that role and a `spa` application (a public client). It starts the resource server
# (examples/resource-server/server.ts, allowing the SPA's origin with CORS) and the SPA's static
# server on free loopback ports, then in Chromium: signs in (a wrong password first), reads the
# ID token's claims and the token's scope, calls the API (200 for read:posts, 403 for
# write:posts), signs out through Realmkit's end_session_endpoint and checks that Realmkit's
# session ended too, with no request leaving this machine. Then it stops both servers and
# deletes the realm. Exits non-zero at the first unexpected HTTP status or value.
#
# Chromium: /usr/bin/chromium (Debian's `chromium` package), or CHROMIUM_PATH. SCREENSHOT=file.png
# keeps a picture of the signed-in page.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"

AUDIENCE="https://api.myapp.com"

# The step helpers (call, json, expect, free_port, wait_for_http, fail...): see lib/http.sh.
# Steps show full URLs: some are on Realmkit, some on the SPA or the API.
# shellcheck disable=SC2034 # read by lib/http.sh
FULL_URL_IN_STEP=1 ON_FAIL=print_logs
# shellcheck source-path=SCRIPTDIR source=../lib/http.sh disable=SC1091 # followed with shellcheck -x
source "$ROOT/examples/lib/http.sh"
API_LOG="$(mktemp)" SPA_LOG="$(mktemp)" CHECK_LOG="$(mktemp)"
REALM_NAME="spa-$RUN_ID"
REALM_CREATED=0 TOKEN="" API_PID="" SPA_PID=""
USER_EMAIL="grace-$RUN_ID@example.com"
USER_PASSWORD="Correct-horse-$RUN_ID"
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"

[[ -x "$CHROMIUM" ]] || { echo "error: no Chromium at $CHROMIUM (apt-get install chromium, or set CHROMIUM_PATH)" >&2; exit 2; }

# On any exit: stop both servers, delete the realm if the run stopped half-way, remove the temp
# files.
stop() {
  if [[ -n "$1" ]]; then
    kill -TERM -- "-$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
  fi
}
cleanup() {
  stop "$SPA_PID"
  stop "$API_PID"
  http_cleanup
  rm -f "$API_LOG" "$SPA_LOG" "$CHECK_LOG"
}
trap cleanup EXIT

# Run by fail (ON_FAIL): the logs of the servers started so far.
print_logs() {
  if [[ -n "$API_PID" ]]; then printf 'resource server log:\n%s\n' "$(cat "$API_LOG")"; fi
  if [[ -n "$SPA_PID" ]]; then printf 'SPA server log:\n%s\n' "$(cat "$SPA_LOG")"; fi
}

# --- 1. Set up the realm in Realmkit (master-realm token) --------------------------------
NOTE='master realm' call 200 POST /oauth2/master/token -u "$CLIENT_ID:$CLIENT_SECRET" \
  -d grant_type=client_credentials
TOKEN="$(json access_token)"
AUTH=(-H "$(auth "$TOKEN")")

call 201 POST /api/v1/realms "${AUTH[@]}" "${JSON[@]}" \
  -d "{\"name\":\"$REALM_NAME\",\"display_name\":\"SPA demo\"}"
REALM_CREATED=1
API="/api/v1/$REALM_NAME"

# The issuer is built from the server's REALMKIT_ISSUER_URL, which may differ from the URL this
# script reaches it by (localhost vs 127.0.0.1, a proxy...). The SPA discovers the issuer itself
# (the discovery document must name the URL it was fetched from), so it is given that base URL.
call 200 GET "/oauth2/$REALM_NAME/.well-known/openid-configuration"
ISSUER="$(json issuer)"
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

call 201 POST "$API/users" "${AUTH[@]}" "${JSON[@]}" \
  -d "{\"email\":\"$USER_EMAIL\",\"username\":\"grace-$RUN_ID\",\"name\":\"Grace Hopper\",\"password\":\"$USER_PASSWORD\"}"
USER_ID="$(json data.id)"
call 204 POST "$API/users/$USER_ID/roles" "${AUTH[@]}" "${JSON[@]}" -d "{\"role_ids\":[\"$ROLE_ID\"]}"

# The SPA's address is in its redirect URIs: its port is chosen now.
API_PORT="$(free_port)"
SPA_PORT="$(free_port)"
while [[ "$SPA_PORT" == "$API_PORT" ]]; do SPA_PORT="$(free_port)"; done
SPA="http://127.0.0.1:$SPA_PORT"
API_URL="http://127.0.0.1:$API_PORT"

NOTE=spa call 201 POST "$API/applications" "${AUTH[@]}" "${JSON[@]}" \
  -d "{\"name\":\"Single-page app\",\"type\":\"spa\",\"redirect_uris\":[\"$SPA/callback\"],\"post_logout_redirect_uris\":[\"$SPA/signed-out\"]}"
APP_CLIENT_ID="$(json data.client_id)"
[[ -z "$(json data.client_secret)" ]] || fail "expected no client_secret for a spa application"

# --- 2. Start the resource server and the SPA ----------------------------------------------
# Each in its own process group, so that the trap stops the launcher and the node it starts.
setsid env PORT="$API_PORT" REALMKIT_URL="$BASE_URL" REALMKIT_ISSUER_URL="$ISSUER_URL" \
  REALMKIT_REALM="$REALM_NAME" API_AUDIENCE="$AUDIENCE" CORS_ORIGINS="$SPA" \
  node "$ROOT/scripts/launch.mjs" node "$ROOT/examples/resource-server/server.ts" >"$API_LOG" 2>&1 &
API_PID=$!
wait_for_http 'resource server' "$API_URL/posts" "$API_PID"

setsid env PORT="$SPA_PORT" REALMKIT_URL="$ISSUER_URL" REALMKIT_REALM="$REALM_NAME" \
  CLIENT_ID="$APP_CLIENT_ID" API_URL="$API_URL" API_AUDIENCE="$AUDIENCE" \
  node "$ROOT/scripts/launch.mjs" node "$ROOT/examples/spa/server.ts" >"$SPA_LOG" 2>&1 &
SPA_PID=$!
wait_for_http 'SPA server' "$SPA/" "$SPA_PID"

NOTE='the browser build, from node_modules' call 200 GET "$SPA/vendor/oidc-client-ts.min.js"
NOTE='where Realmkit and the API are' call 200 GET "$SPA/config.json"
expect authority "$ISSUER"
expect client_id "$APP_CLIENT_ID"

# --- 3. In Chromium: sign in, the claims, the API, sign out --------------------------------
# shellcheck disable=SC2034 # STEP is printed by fail (lib/http.sh)
STEP="the browser check (browser-check.ts)"
status=0
SPA_URL="$SPA" ISSUER="$ISSUER" CLIENT_ID="$APP_CLIENT_ID" USER_ID="$USER_ID" USER_EMAIL="$USER_EMAIL" \
  USER_NAME='Grace Hopper' USER_PASSWORD="$USER_PASSWORD" API_URL="$API_URL" API_AUDIENCE="$AUDIENCE" API_SCOPE=read:posts \
  API_MISSING_SCOPE=write:posts CHROMIUM_PATH="$CHROMIUM" \
  node "$ROOT/scripts/launch.mjs" node "$ROOT/examples/spa/browser-check.ts" 2>&1 | tee "$CHECK_LOG" || status=$?
PASSED=$((PASSED + $(grep -c '^ok  ' "$CHECK_LOG" || true)))
BODY=""
[[ "$status" == 0 ]] || fail "Chromium's sign-in did not go through (above)"

# --- Clean up ----------------------------------------------------------------------------
stop "$SPA_PID"
SPA_PID=""
stop "$API_PID"
API_PID=""
call 204 DELETE "/api/v1/realms/$REALM_NAME" "${AUTH[@]}"
REALM_CREATED=0

echo "$PASSED passed, 0 failed"
