# shellcheck shell=bash
# HTTP step helpers shared by the example scripts (curl-walkthrough.sh, resource-server/demo.sh,
# web-app/demo.sh, spa/demo.sh). Source it after `set -euo pipefail`; needs curl, node and base64.
#
# Reads:
#   REALMKIT_URL      Realmkit's base URL (default http://localhost:8080), as BASE_URL without a
#                     trailing slash: `call` prefixes a URL starting with / with it; any other
#                     URL is used as it is.
#   REALMKIT_CLIENT_ID, REALMKIT_CLIENT_SECRET  a master-realm client, as CLIENT_ID and
#                     CLIENT_SECRET (exits 2 when either is missing).
#   NOTE              optional, per call (NOTE=... call ...): appended to the step's line.
#   FULL_URL_IN_STEP  1: the step's line shows the full URL; otherwise the URL as given.
#   QUERY_IN_STEP     0: the step's line shows `?…` for the URL's query (long, or with tokens).
#   ON_FAIL           optional name of a function `fail` runs after printing the response body,
#                     to print more (a log, say) to stderr before the summary line.
# Sets:
#   STATUS, BODY, HEADERS  the last response: HTTP status, body, headers (CRs removed).
#   STEP              the current step, printed by `fail`; set it by hand for steps of your own.
#   PASSED            the number of steps passed so far.
#   BODY_FILE, HEADER_FILE  temp files curl writes to, created here. Call http_cleanup from
#                     the script's EXIT trap to remove them (and a realm left half-way).
#   JSON              curl args for a JSON body: call 201 POST /path "${JSON[@]}" -d '{...}'.
#   RUN_ID            8 random hex digits, to name what the run creates (its realm).
#
# Output: `ok  <status> <step>` for each passed step; on a failure, to stderr, the step, the
# expected and actual values, the response body, then `N passed, 1 failed`, and exit 1. The
# script prints `N passed, 0 failed` itself at the end.

BASE_URL="${REALMKIT_URL:-http://localhost:8080}"
BASE_URL="${BASE_URL%/}"
CLIENT_ID="${REALMKIT_CLIENT_ID:-}"
CLIENT_SECRET="${REALMKIT_CLIENT_SECRET:-}"
if [[ -z "$CLIENT_ID" || -z "$CLIENT_SECRET" ]]; then
  echo "error: set REALMKIT_CLIENT_ID and REALMKIT_CLIENT_SECRET to a master-realm client" >&2
  exit 2
fi
# shellcheck disable=SC2034 # for the scripts that source this file.
RUN_ID="$(node -e 'process.stdout.write(require("crypto").randomBytes(4).toString("hex"))')"

BODY_FILE="$(mktemp)" HEADER_FILE="$(mktemp)"
STATUS="" BODY="" HEADERS="" STEP="" NOTE="" PASSED=0
FULL_URL_IN_STEP="${FULL_URL_IN_STEP:-0}" QUERY_IN_STEP="${QUERY_IN_STEP:-1}" ON_FAIL="${ON_FAIL:-}"
# shellcheck disable=SC2034 # JSON is for the scripts that source this file.
JSON=(-H 'Content-Type: application/json')

# http_cleanup: for the script's EXIT trap. Deletes the realm REALM_NAME when the run created it
# (REALM_CREATED=1) and stopped before deleting it itself (TOKEN: a master token), then the temp files.
http_cleanup() {
  if [[ "${REALM_CREATED:-0}" == 1 && -n "${TOKEN:-}" ]]; then
    curl -s -o /dev/null -X DELETE -H "Authorization: Bearer $TOKEN" \
      "$BASE_URL/api/v1/realms/$REALM_NAME" || true
  fi
  rm -f "$BODY_FILE" "$HEADER_FILE"
}

# fail MESSAGE: prints the failed step and the response body, runs ON_FAIL, exits 1.
fail() {
  printf 'FAIL %s: %s\n' "$STEP" "$1" >&2
  printf 'response body: %s\n' "$BODY" >&2
  if [[ -n "$ON_FAIL" ]]; then "$ON_FAIL" >&2 || true; fi
  echo "$PASSED passed, 1 failed" >&2
  exit 1
}

# call EXPECTED_STATUS METHOD URL [curl args...]: sets STATUS, HEADERS and BODY, fails on a
# status mismatch. A URL starting with / is on Realmkit (BASE_URL); any other is absolute.
call() {
  local expected="$1" method="$2" url="$3" shown="$3"
  shift 3
  [[ "$url" == /* ]] && url="$BASE_URL$url"
  [[ "$FULL_URL_IN_STEP" == 1 ]] && shown="$url"
  [[ "$QUERY_IN_STEP" == 0 && "$shown" == *'?'* ]] && shown="${shown%%\?*}?…"
  STEP="$method $shown${NOTE:+ ($NOTE)}"
  STATUS="$(curl -sS -o "$BODY_FILE" -D "$HEADER_FILE" -w '%{http_code}' -X "$method" "$@" "$url")" ||
    { BODY=""; fail "curl could not reach $url"; }
  BODY="$(cat "$BODY_FILE")"
  HEADERS="$(tr -d '\r' <"$HEADER_FILE")"
  [[ "$STATUS" == "$expected" ]] || fail "expected status $expected, got $STATUS"
  PASSED=$((PASSED + 1))
  printf 'ok  %s %s\n' "$STATUS" "$STEP"
}

# json PATH: prints a dotted path (e.g. data.id, data.0.name, keys.length) of BODY; objects as
# JSON.
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

# expect_challenge TEXT: fails the current step unless WWW-Authenticate contains TEXT.
expect_challenge() {
  local challenge
  challenge="$(sed -n 's/^[Ww][Ww][Ww]-[Aa]uthenticate: *//p' <<<"$HEADERS")"
  [[ "$challenge" == *"$1"* ]] || fail "expected WWW-Authenticate with $1, got '$challenge'"
}

# claims TOKEN: decodes the payload of a JWT (base64url, unpadded) into BODY, to read with expect.
claims() {
  local payload
  payload="$(cut -d. -f2 <<<"$1" | tr '_-' '/+')"
  while (( ${#payload} % 4 )); do payload+='='; done
  STEP="claims of the access token"
  BODY="$(base64 -d <<<"$payload" 2>/dev/null)" || fail "the access token is not a JWT"
}

# auth TOKEN: prints an Authorization header for -H.
auth() { printf 'Authorization: Bearer %s' "$1"; }

# header NAME: prints the last response's header NAME (case-insensitive; the last one if repeated).
header() {
  awk -v name="$1" 'BEGIN { name = tolower(name) }
    { i = index($0, ":"); if (i && tolower(substr($0, 1, i - 1)) == name) { v = substr($0, i + 1); sub(/^ +/, "", v); last = v } }
    END { printf "%s", last }' <<<"$HEADERS"
}

# query_param URL NAME: prints the query parameter NAME of URL (decoded; empty when absent).
query_param() {
  node -e 'process.stdout.write(new URL(process.argv[1]).searchParams.get(process.argv[2]) ?? "")' "$1" "$2"
}

# html_text ID: prints the text of the element with id ID in BODY (tags removed, entities decoded);
# fails the current step when there is none.
html_text() {
  # shellcheck disable=SC2016 # JavaScript's ${...}, not the shell's
  node -e '
    const html = require("fs").readFileSync(0, "utf8");
    const id = process.argv[1].replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const match = new RegExp(`<([a-z0-9]+)[^>]*\\sid="${id}"[^>]*>([\\s\\S]*?)</\\1>`, "i").exec(html);
    if (!match) process.exit(3);
    const named = { amp: "&", lt: "<", gt: ">", quot: "\"", apos: "\x27" };
    const decode = (v) => v.replace(/&(?:#x([0-9a-f]+)|#(\d+)|(\w+));/gi, (all, hex, dec, name) =>
      hex ? String.fromCodePoint(parseInt(hex, 16)) : dec ? String.fromCodePoint(Number(dec)) : (named[name] ?? all));
    process.stdout.write(decode(match[2].replace(/<[^>]*>/g, "")));
  ' "$1" <<<"$BODY" || fail "no element with id $1 in the page"
}

# html_attr TAG ATTRIBUTE [NAME]: prints ATTRIBUTE of the first TAG in BODY (of the one whose name
# attribute is NAME, when given), entities decoded: `html_attr form action`,
# `html_attr input value interaction`. Fails the current step when there is none.
html_attr() {
  # shellcheck disable=SC2016 # JavaScript's ${...}, not the shell's
  node -e '
    const [tag, attribute, name] = process.argv.slice(1);
    const html = require("fs").readFileSync(0, "utf8");
    const named = { amp: "&", lt: "<", gt: ">", quot: "\"", apos: "\x27" };
    const decode = (v) => v.replace(/&(?:#x([0-9a-f]+)|#(\d+)|(\w+));/gi, (all, hex, dec, name) =>
      hex ? String.fromCodePoint(parseInt(hex, 16)) : dec ? String.fromCodePoint(Number(dec)) : (named[name] ?? all));
    for (const [element] of html.matchAll(new RegExp(`<${tag}\\b[^>]*>`, "gi"))) {
      const attributes = {};
      for (const [, key, , double, single, bare] of element.matchAll(/([\w:-]+)(\s*=\s*(?:"([^"]*)"|\x27([^\x27]*)\x27|([^\s>]+)))?/g)) {
        attributes[key.toLowerCase()] = decode(double ?? single ?? bare ?? "");
      }
      if (name !== undefined && attributes.name !== name) continue;
      if (attributes[attribute] === undefined) continue;
      process.stdout.write(attributes[attribute]);
      process.exit(0);
    }
    process.exit(3);
  ' "$@" <<<"$BODY" || fail "no <$1${3:+ name=\"$3\"}> with $2 in the page"
}

# free_port: prints a TCP port that is free on 127.0.0.1 right now.
free_port() {
  node -e '
    const server = require("net").createServer().listen(0, "127.0.0.1", () => {
      process.stdout.write(String(server.address().port));
      server.close();
    });
  '
}

# wait_for_http NAME URL PID: waits up to 90 s until URL answers (any HTTP status), failing the
# step when process PID exits first or nothing answers.
wait_for_http() {
  STEP="start the $1 ($2)"
  for _ in $(seq 1 90); do
    kill -0 "$3" 2>/dev/null || fail "the $1 exited"
    [[ "$(curl -s -o /dev/null -w '%{http_code}' "$2")" != 000 ]] && { echo "ok  $1 on $2"; return 0; }
    sleep 1
  done
  fail "no answer after 90 s"
}
