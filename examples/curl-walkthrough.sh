#!/usr/bin/env bash
# Realmkit foundation walkthrough: drives a running server with curl only.
#
#   REALMKIT_URL=http://localhost:8080 \
#   REALMKIT_CLIENT_ID=... REALMKIT_CLIENT_SECRET=... \
#   bash examples/curl-walkthrough.sh
#
# Creates a throwaway realm `walkthrough-<random>`, exercises tokens, discovery, realms and
# users, then deletes the realm. Exits non-zero at the first unexpected HTTP status or value.
set -euo pipefail

BASE_URL="${REALMKIT_URL:-http://localhost:8080}"
BASE_URL="${BASE_URL%/}"
CLIENT_ID="${REALMKIT_CLIENT_ID:-}"
CLIENT_SECRET="${REALMKIT_CLIENT_SECRET:-}"
if [[ -z "$CLIENT_ID" || -z "$CLIENT_SECRET" ]]; then
  echo "error: set REALMKIT_CLIENT_ID and REALMKIT_CLIENT_SECRET to a master-realm client" >&2
  exit 2
fi

BODY_FILE="$(mktemp)"
STATUS="" BODY="" STEP="" NOTE="" PASSED=0
REALM_NAME="walkthrough-$(node -e 'process.stdout.write(require("crypto").randomBytes(4).toString("hex"))')"
REALM_CREATED=0 TOKEN=""

# On any exit: remove the temp file and, if the run stopped half-way, the realm it created.
cleanup() {
  rm -f "$BODY_FILE"
  if [[ "$REALM_CREATED" == 1 && -n "$TOKEN" ]]; then
    curl -s -o /dev/null -X DELETE -H "Authorization: Bearer $TOKEN" \
      "$BASE_URL/api/v1/realms/$REALM_NAME" || true
  fi
}
trap cleanup EXIT

fail() {
  printf 'FAIL %s: %s\n' "$STEP" "$1" >&2
  printf 'response body: %s\n' "$BODY" >&2
  echo "$PASSED passed, 1 failed" >&2
  exit 1
}

# call EXPECTED_STATUS METHOD PATH [curl args...]: sets STATUS and BODY, fails on a status mismatch.
# An optional NOTE (NOTE=... call ...) is appended to the step's line.
call() {
  local expected="$1" method="$2" path="$3"
  shift 3
  STEP="$method $path${NOTE:+ ($NOTE)}"
  STATUS="$(curl -sS -o "$BODY_FILE" -w '%{http_code}' -X "$method" "$@" "$BASE_URL$path")" ||
    { BODY=""; fail "curl could not reach $BASE_URL"; }
  BODY="$(cat "$BODY_FILE")"
  [[ "$STATUS" == "$expected" ]] || fail "expected status $expected, got $STATUS"
  PASSED=$((PASSED + 1))
  printf 'ok  %s %s\n' "$STATUS" "$STEP"
}

# json PATH: prints a dotted path (e.g. data.id, meta.total, keys.length) of BODY; objects as JSON.
json() {
  node -e '
    const v = process.argv[1].split(".").reduce((o, k) => (o == null ? undefined : o[k]),
      JSON.parse(require("fs").readFileSync(0, "utf8")));
    process.stdout.write(v === undefined ? "" : typeof v === "string" ? v : JSON.stringify(v));
  ' "$1" <<<"$BODY" || fail "response is not JSON"
}

# expect PATH VALUE: fails the current step unless json PATH equals VALUE.
expect() {
  local actual
  actual="$(json "$1")"
  [[ "$actual" == "$2" ]] || fail "expected $1 = $2, got '$actual'"
}

JSON=(-H 'Content-Type: application/json')
auth() { printf 'Authorization: Bearer %s' "$1"; }

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

# --- Clean up ----------------------------------------------------------------------------
call 204 DELETE "/api/v1/realms/$REALM_NAME" "${AUTH[@]}"
REALM_CREATED=0

echo "$PASSED passed, 0 failed"
