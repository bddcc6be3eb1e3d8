#!/usr/bin/env bash
# Web app demo: a user signs in to server.ts with Realmkit, end to end, the way a browser does it:
# curl with a cookie jar follows each redirect by hand, so that every step is checked.
#
#   REALMKIT_URL=http://localhost:8080 \
#   REALMKIT_CLIENT_ID=... REALMKIT_CLIENT_SECRET=... \
#   bash examples/web-app/demo.sh
#
# With a master-realm client it creates a throwaway realm `webapp-<random>` holding the API
# resource https://api.myapp.com (scopes read:posts and write:posts), a role with read:posts only,
# a user with that role and a `traditional` application. It starts the resource server
# (examples/resource-server/server.ts) and the web app on free loopback ports, signs the user in
# (a wrong password first), reads the ID token's claims, calls the API through the web app (200
# for read:posts, 403 for write:posts), refreshes the tokens, signs out through Realmkit's
# end_session_endpoint and checks that Realmkit's session ended too. Then it stops both servers
# and deletes the realm. Exits non-zero at the first unexpected HTTP status or value.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"

AUDIENCE="https://api.myapp.com"

# The step helpers (call, json, expect, header, html_text, html_attr, free_port, fail...): see
# lib/http.sh. Steps show full URLs: some are on Realmkit, some on the web app or the API; not
# their queries (an authorization request is long, a logout request carries the ID token).
# shellcheck disable=SC2034 # read by lib/http.sh
FULL_URL_IN_STEP=1 QUERY_IN_STEP=0 ON_FAIL=print_logs
# shellcheck source-path=SCRIPTDIR source=../lib/http.sh disable=SC1091 # followed with shellcheck -x
source "$ROOT/examples/lib/http.sh"
API_LOG="$(mktemp)" APP_LOG="$(mktemp)" JAR="$(mktemp)"
REALM_NAME="webapp-$RUN_ID"
REALM_CREATED=0 TOKEN="" API_PID="" APP_PID=""
USER_EMAIL="ada-$RUN_ID@example.com"
USER_PASSWORD="Correct-horse-$RUN_ID"

# On any exit: stop both servers, delete the realm if the run stopped half-way, remove the temp
# files.
stop() {
  if [[ -n "$1" ]]; then
    kill -TERM -- "-$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
  fi
}
cleanup() {
  stop "$APP_PID"
  stop "$API_PID"
  http_cleanup
  rm -f "$API_LOG" "$APP_LOG" "$JAR"
}
trap cleanup EXIT

# Run by fail (ON_FAIL): the logs of the servers started so far.
print_logs() {
  if [[ -n "$API_PID" ]]; then printf 'resource server log:\n%s\n' "$(cat "$API_LOG")"; fi
  if [[ -n "$APP_PID" ]]; then printf 'web app log:\n%s\n' "$(cat "$APP_LOG")"; fi
}

# --- 1. Set up the realm in Realmkit (master-realm token) --------------------------------
NOTE='master realm' call 200 POST /oauth2/master/token -u "$CLIENT_ID:$CLIENT_SECRET" \
  -d grant_type=client_credentials
TOKEN="$(json access_token)"
AUTH=(-H "$(auth "$TOKEN")")

call 201 POST /api/v1/realms "${AUTH[@]}" "${JSON[@]}" \
  -d "{\"name\":\"$REALM_NAME\",\"display_name\":\"Web app demo\"}"
REALM_CREATED=1
API="/api/v1/$REALM_NAME"

# The issuer is built from the server's REALMKIT_ISSUER_URL, which may differ from the URL this
# script reaches it by (localhost vs 127.0.0.1, a proxy...). A relying party discovers the
# issuer itself (the discovery document must name the URL it was fetched from), so the web app
# is given that base URL.
call 200 GET "/oauth2/$REALM_NAME/.well-known/openid-configuration"
ISSUER="$(json issuer)"
[[ "$ISSUER" == */oauth2/"$REALM_NAME" ]] || fail "expected the issuer to end with /oauth2/$REALM_NAME"
ISSUER_URL="${ISSUER%/oauth2/"$REALM_NAME"}"
AUTHORIZATION_ENDPOINT="$(json authorization_endpoint)"
END_SESSION_ENDPOINT="$(json end_session_endpoint)"
[[ -n "$AUTHORIZATION_ENDPOINT" && -n "$END_SESSION_ENDPOINT" ]] ||
  fail "expected authorization_endpoint and end_session_endpoint in the discovery document"

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
  -d "{\"email\":\"$USER_EMAIL\",\"username\":\"ada-$RUN_ID\",\"name\":\"Ada Lovelace\",\"password\":\"$USER_PASSWORD\"}"
USER_ID="$(json data.id)"
call 204 POST "$API/users/$USER_ID/roles" "${AUTH[@]}" "${JSON[@]}" -d "{\"role_ids\":[\"$ROLE_ID\"]}"

# The web app's address is in its redirect URIs: its port is chosen now.
API_PORT="$(free_port)"
APP_PORT="$(free_port)"
while [[ "$APP_PORT" == "$API_PORT" ]]; do APP_PORT="$(free_port)"; done
APP="http://127.0.0.1:$APP_PORT"
API_URL="http://127.0.0.1:$API_PORT"

NOTE=traditional call 201 POST "$API/applications" "${AUTH[@]}" "${JSON[@]}" \
  -d "{\"name\":\"Web app\",\"type\":\"traditional\",\"redirect_uris\":[\"$APP/callback\"],\"post_logout_redirect_uris\":[\"$APP/signed-out\"]}"
APP_CLIENT_ID="$(json data.client_id)"
APP_SECRET="$(json data.client_secret)"
[[ -n "$APP_SECRET" ]] || fail "expected a client_secret for a traditional application"

# --- 2. Start the resource server and the web app ----------------------------------------
# Each in its own process group, so that the trap stops the launcher and the node it starts.
setsid env PORT="$API_PORT" REALMKIT_URL="$BASE_URL" REALMKIT_ISSUER_URL="$ISSUER_URL" \
  REALMKIT_REALM="$REALM_NAME" API_AUDIENCE="$AUDIENCE" \
  node "$ROOT/scripts/launch.mjs" node "$ROOT/examples/resource-server/server.ts" >"$API_LOG" 2>&1 &
API_PID=$!
wait_for_http 'resource server' "$API_URL/posts" "$API_PID"

setsid env PORT="$APP_PORT" APP_URL="$APP" REALMKIT_URL="$ISSUER_URL" REALMKIT_REALM="$REALM_NAME" \
  CLIENT_ID="$APP_CLIENT_ID" CLIENT_SECRET="$APP_SECRET" API_URL="$API_URL" API_AUDIENCE="$AUDIENCE" \
  node "$ROOT/scripts/launch.mjs" node "$ROOT/examples/web-app/server.ts" >"$APP_LOG" 2>&1 &
APP_PID=$!
wait_for_http 'web app' "$APP/" "$APP_PID"

# --- 3. Sign in, as a browser would -------------------------------------------------------
# One cookie jar for "the browser": the web app's session cookie and Realmkit's own cookies.
BROWSER=(-b "$JAR" -c "$JAR")

NOTE='not signed in' call 200 GET "$APP/" "${BROWSER[@]}"
[[ "$(html_text status)" == 'You are not signed in.' ]] || fail "expected 'You are not signed in.'"

call 303 GET "$APP/login" "${BROWSER[@]}"
AUTHORIZE_URL="$(header location)"
[[ "$AUTHORIZE_URL" == "$AUTHORIZATION_ENDPOINT?"* ]] || fail "expected a redirect to $AUTHORIZATION_ENDPOINT, got $AUTHORIZE_URL"
for pair in response_type=code "client_id=$APP_CLIENT_ID" "redirect_uri=$APP/callback" code_challenge_method=S256 \
  "resource=$AUDIENCE" 'scope=openid profile email offline_access'; do
  [[ "$(query_param "$AUTHORIZE_URL" "${pair%%=*}")" == "${pair#*=}" ]] || fail "expected $pair in $AUTHORIZE_URL"
done
for name in code_challenge state nonce; do
  [[ -n "$(query_param "$AUTHORIZE_URL" "$name")" ]] || fail "expected $name in $AUTHORIZE_URL"
done
STATE="$(query_param "$AUTHORIZE_URL" state)"
# The session cookie: HttpOnly (no script reads it) and SameSite=Lax.
SESSION_COOKIE="$(grep -i '^set-cookie: webapp.sid=' <<<"$HEADERS" || true)"
[[ "$SESSION_COOKIE" == *HttpOnly* && "$SESSION_COOKIE" == *SameSite=Lax* ]] ||
  fail "expected an HttpOnly, SameSite=Lax session cookie, got '$SESSION_COOKIE'"

NOTE='login page' call 200 GET "$AUTHORIZE_URL" "${BROWSER[@]}"
LOGIN_URL="$(node -e 'process.stdout.write(new URL(process.argv[1], process.argv[2]).href)' "$(html_attr form action)" "$AUTHORIZE_URL")"
[[ "$LOGIN_URL" == "$ISSUER/login"* ]] || fail "expected the form to post to $ISSUER/login, got $LOGIN_URL"
html_attr input autocomplete identifier >/dev/null
html_attr input type password >/dev/null
# A browser sends an Origin with a form's POST: the page's origin, or `null` when the page's
# Referrer-Policy is no-referrer (Fetch, "serializing a request origin"); so does this script.
# Realmkit refuses a login form posted from another origin (CSRF).
ORIGIN="$(node -e 'process.stdout.write(new URL(process.argv[1]).origin)' "$ISSUER")"
[[ "$(header referrer-policy)" == no-referrer ]] && ORIGIN=null

NOTE='wrong password' call 401 POST "$LOGIN_URL" "${BROWSER[@]}" -H "Origin: $ORIGIN" \
  --data-urlencode "interaction=$(html_attr input value interaction)" \
  --data-urlencode "identifier=$USER_EMAIL" --data-urlencode "password=$USER_PASSWORD-wrong"
[[ "$BODY" == *'role="alert"'* ]] || fail 'expected an element with role="alert"'

NOTE='right password' call 303 POST "$LOGIN_URL" "${BROWSER[@]}" -H "Origin: $ORIGIN" \
  --data-urlencode "interaction=$(html_attr input value interaction)" \
  --data-urlencode "identifier=$USER_EMAIL" --data-urlencode "password=$USER_PASSWORD"
CALLBACK_URL="$(header location)"
[[ "$CALLBACK_URL" == "$APP/callback?"* ]] || fail "expected a redirect to $APP/callback, got $CALLBACK_URL"
[[ -n "$(query_param "$CALLBACK_URL" code)" ]] || fail "expected a code in $CALLBACK_URL"
[[ "$(query_param "$CALLBACK_URL" state)" == "$STATE" ]] || fail "expected state=$STATE in $CALLBACK_URL"
[[ "$(query_param "$CALLBACK_URL" iss)" == "$ISSUER" ]] || fail "expected iss=$ISSUER in $CALLBACK_URL"

# The web app redeems the code (client_secret_basic, the PKCE verifier) and checks the ID token.
NOTE='code → tokens' call 303 GET "$CALLBACK_URL" "${BROWSER[@]}"
[[ "$(header location)" == / ]] || fail "expected a redirect to /, got $(header location)"

NOTE='signed in' call 200 GET "$APP/" "${BROWSER[@]}"
[[ "$(html_text status)" == 'You are signed in.' ]] || fail "expected 'You are signed in.'"
HOME_PAGE="$BODY"
BODY="$(html_text id-token-claims)"
STEP="the ID token's claims"
expect sub "$USER_ID"
expect iss "$ISSUER"
[[ "$(json aud)" == "$APP_CLIENT_ID" || "$(json aud)" == *"\"$APP_CLIENT_ID\""* ]] || fail "expected aud $APP_CLIENT_ID"
[[ -n "$(json nonce)" ]] || fail 'expected a nonce'
# The profile and email scopes' claims (OIDC Core §5.4).
expect email "$USER_EMAIL"
expect name 'Ada Lovelace'
expect preferred_username "ada-$RUN_ID"
echo "ok  the ID token's claims: sub, iss, aud, nonce, email, name, preferred_username"
PASSED=$((PASSED + 1))
BODY="$HOME_PAGE"
STEP="the access token's scope and the refresh token"
SCOPE=" $(html_text access-token-scope) "
[[ "$SCOPE" == *' read:posts '* && "$SCOPE" != *' write:posts '* ]] ||
  fail "expected read:posts and not write:posts in the scope, got '$SCOPE'"
[[ "$(html_text refresh-token)" == yes ]] || fail 'expected a refresh token (offline_access)'
echo "ok  the access token's scope:$SCOPE(a refresh token too)"
PASSED=$((PASSED + 1))
FINGERPRINT="$(html_text access-token-fingerprint)"

# --- 4. The API with the user's access token ----------------------------------------------
NOTE="→ GET $API_URL/posts" call 200 GET "$APP/posts" "${BROWSER[@]}"
[[ "$(html_text api-status)" == 200 ]] || fail "expected the API to answer 200, got $(html_text api-status)"
[[ "$(html_text api-body)" == '{"data":[]}' ]] || fail "expected {\"data\":[]}, got $(html_text api-body)"

NOTE="→ POST $API_URL/posts, needs write:posts" call 200 POST "$APP/posts" "${BROWSER[@]}" -d title=Hello
[[ "$(html_text api-status)" == 403 ]] || fail "expected the API to answer 403, got $(html_text api-status)"
[[ "$(html_text api-body)" == *'"insufficient_scope"'* ]] || fail 'expected insufficient_scope'

# --- 5. Refresh (the refresh token rotates) ------------------------------------------------
call 303 POST "$APP/refresh" "${BROWSER[@]}"
NOTE='after the refresh' call 200 GET "$APP/" "${BROWSER[@]}"
[[ "$(html_text access-token-fingerprint)" != "$FINGERPRINT" ]] || fail 'expected a new access token'
[[ "$(html_text refreshed-at)" != never ]] || fail 'expected the refresh time'
[[ "$(html_text refresh-token)" == yes ]] || fail 'expected a refresh token after the refresh'
SCOPE=" $(html_text access-token-scope) "
[[ "$SCOPE" == *' read:posts '* ]] || fail "expected read:posts in the scope after the refresh, got '$SCOPE'"

NOTE='refreshed token' call 200 GET "$APP/posts" "${BROWSER[@]}"
[[ "$(html_text api-status)" == 200 ]] || fail "expected the API to answer 200, got $(html_text api-status)"

NOTE='second refresh: the rotated refresh token works' call 303 POST "$APP/refresh" "${BROWSER[@]}"

# --- 6. Sign out: here, then at Realmkit ---------------------------------------------------
call 303 POST "$APP/logout" "${BROWSER[@]}"
LOGOUT_URL="$(header location)"
[[ "$LOGOUT_URL" == "$END_SESSION_ENDPOINT?"* ]] || fail "expected a redirect to $END_SESSION_ENDPOINT, got $LOGOUT_URL"
[[ -n "$(query_param "$LOGOUT_URL" id_token_hint)" ]] || fail 'expected id_token_hint'
[[ "$(query_param "$LOGOUT_URL" post_logout_redirect_uri)" == "$APP/signed-out" ]] ||
  fail "expected post_logout_redirect_uri=$APP/signed-out"
[[ "$(query_param "$LOGOUT_URL" client_id)" == "$APP_CLIENT_ID" ]] || fail "expected client_id=$APP_CLIENT_ID"

NOTE='end_session_endpoint' call 303 GET "$LOGOUT_URL" "${BROWSER[@]}"
[[ "$(header location)" == "$APP/signed-out"* ]] || fail "expected a redirect to $APP/signed-out, got $(header location)"

call 200 GET "$(header location)" "${BROWSER[@]}"
[[ "$(html_text status)" == 'You are signed out.' ]] || fail "expected 'You are signed out.'"

NOTE='signed out here' call 200 GET "$APP/" "${BROWSER[@]}"
[[ "$(html_text status)" == 'You are not signed in.' ]] || fail "expected 'You are not signed in.'"

# Realmkit's session ended too: signing in again shows its login page, not a redirect back.
NOTE='again' call 303 GET "$APP/login" "${BROWSER[@]}"
NOTE='login page again: Realmkit signed the user out' call 200 GET "$(header location)" "${BROWSER[@]}"
html_attr input autocomplete identifier >/dev/null

# --- Clean up ----------------------------------------------------------------------------
stop "$APP_PID"
APP_PID=""
stop "$API_PID"
API_PID=""
call 204 DELETE "/api/v1/realms/$REALM_NAME" "${AUTH[@]}"
REALM_CREATED=0

echo "$PASSED passed, 0 failed"
