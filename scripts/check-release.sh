#!/usr/bin/env bash
# Release check (`npm run check:release`, part of CI): the three packages as users get them.
#   1. build; `npm publish --dry-run` of each must pass without warnings (other than the missing
#      npm login of a dry run);
#   2. `npm pack` each and check the tarballs' file lists (scripts/check-tarballs.mjs);
#   3. install the three tarballs into a blank directory (dependencies from the npm registry),
#      run `npx realmkit start` on the embedded database, get a token with curl with the client
#      it printed, see /docs and /console served from the package, stop it with SIGTERM: exit 0;
#   4. with MACHINE_NODE set to a Node older than 22.17: the bin says so and exits 1.
# Runs on the Node on PATH (`npm run check:release` puts Node 24 there on an older machine).
# RELEASE_CHECK_PORT (default 18495); KEEP_RELEASE_CHECK=1 keeps the temp directory.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PORT="${RELEASE_CHECK_PORT:-18495}"
PACKAGES=(@realmkit/contract @realmkit/sdk @realmkit/server)
WORK="$(mktemp -d "${TMPDIR:-/tmp}/realmkit-release.XXXXXX")"
server_pid=""
cleanup() {
  # The whole session: npx and the realmkit process it started.
  [[ -n "$server_pid" ]] && kill -KILL -- "-$server_pid" 2>/dev/null || true
  [[ -n "${KEEP_RELEASE_CHECK:-}" ]] || rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "FAIL $*" >&2; exit 1; }
cd "$ROOT"

echo "== build"
npm run build >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; fail "npm run build"; }

echo "== npm publish --dry-run"
for package in "${PACKAGES[@]}"; do
  log="$WORK/publish-${package#@realmkit/}.log"
  npm publish --dry-run --workspace "$package" >"$log" 2>&1 || { cat "$log"; fail "npm publish --dry-run $package"; }
  # The one expected warning: a dry run is not logged in to the registry.
  warnings="$(grep -E '^npm (warn|error)' "$log" | grep -vE 'requires you to be logged in|Unknown (user|env|global|project) config' || true)"
  [[ -z "$warnings" ]] || fail "npm publish --dry-run $package: $warnings"

  echo "ok   $(grep -E '^\+ ' "$log")"
done

echo "== tarballs"
for package in "${PACKAGES[@]}"; do
  npm pack --workspace "$package" --pack-destination "$WORK" --json 2>/dev/null >"$WORK/pack-${package#@realmkit/}.json"
done
node scripts/check-tarballs.mjs "$WORK"/pack-*.json

echo "== blank directory: npm install the three tarballs"
mkdir "$WORK/blank"
cd "$WORK/blank"
npm init -y >/dev/null
npm install --no-audit --no-fund "$WORK"/realmkit-*.tgz >"$WORK/install.log" 2>&1 || { cat "$WORK/install.log"; fail "npm install"; }
[[ ! -e node_modules/@scalar ]] || fail "the server package pulls in @scalar (it should only ship the vendored bundle)"
version="$(node -p 'require("@realmkit/server/package.json").version')"
[[ "$(npx --no-install realmkit --version)" == "$version" ]] || fail "realmkit --version is not $version"
echo "ok   npx realmkit --version: $version"

echo "== npx realmkit start (embedded database)"
setsid env PORT="$PORT" REALMKIT_DATA_DIR="$WORK/blank/data" npx --no-install realmkit start >"$WORK/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 60); do
  grep -q 'Realmkit listening' "$WORK/server.log" && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$WORK/server.log"; fail "realmkit start exited"; }
  sleep 0.5
done
client_id="$(sed -n 's/^  client_id: *//p' "$WORK/server.log")"
client_secret="$(sed -n 's/^  client_secret: *//p' "$WORK/server.log")"
[[ -n "$client_id" && -n "$client_secret" ]] || { cat "$WORK/server.log"; fail "no bootstrap client printed"; }
token="$(curl -sf -u "$client_id:$client_secret" -d grant_type=client_credentials \
  "http://127.0.0.1:$PORT/oauth2/master/token" | node -pe 'JSON.parse(require("fs").readFileSync(0)).access_token')"
[[ "$token" == ey* ]] || fail "no access token"
echo "ok   token from the printed bootstrap client"
curl -sf -H "authorization: Bearer $token" "http://127.0.0.1:$PORT/api/v1/realms" | grep -q '"name":"master"' ||
  fail "GET /api/v1/realms with the token"
echo "ok   Management API with the token"
bundle="$(curl -sf "http://127.0.0.1:$PORT/docs" | grep -o '/docs/assets/scalar-api-reference\.[0-9a-f]*\.js')" ||
  fail "/docs does not reference the Scalar bundle"
curl -sf -o /dev/null "http://127.0.0.1:$PORT$bundle" || fail "GET $bundle"
echo "ok   /docs served from the package's vendored bundle"
grep -q '^  sign in as: *admin' "$WORK/server.log" || { cat "$WORK/server.log"; fail "no first admin printed"; }
script="$(curl -sf "http://127.0.0.1:$PORT/console/master/" | grep -o '/console/assets/index-[A-Za-z0-9_-]*\.js')" ||
  fail "/console/master/ does not reference the console's script"
curl -sf -o /dev/null "http://127.0.0.1:$PORT$script" || fail "GET $script"
echo "ok   /console served from the package's build, the first admin printed"

# SIGTERM to the realmkit process (npx runs it as a child): it finishes in-flight requests,
# closes the database and exits 0, and npx exits with its code.
realmkit_pid="$(pgrep -s "$server_pid" -f 'bin/realmkit start' | head -1)"
[[ -n "$realmkit_pid" ]] || fail "no realmkit process under npx"
kill -TERM "$realmkit_pid"
status=0
wait "$server_pid" || status=$?
[[ "$status" == 0 ]] || { cat "$WORK/server.log"; fail "realmkit start exited $status on SIGTERM"; }
grep -q '"msg":"shut down"' "$WORK/server.log" || fail "no graceful shutdown in the log"
[[ ! -e "$WORK/blank/data/pgdata.lock" ]] || fail "the embedded database's lock was left behind"
echo "ok   SIGTERM: exit 0, lock released"

if [[ -n "${MACHINE_NODE:-}" ]] && ! "$MACHINE_NODE" -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>22||(a===22&&b>=17)?0:1)'; then
  echo "== the bin on this machine's Node $("$MACHINE_NODE" --version)"
  status=0
  "$MACHINE_NODE" node_modules/.bin/realmkit --version >"$WORK/old-node.log" 2>&1 || status=$?
  [[ "$status" == 1 ]] && grep -q 'needs Node.js 22.17 or newer' "$WORK/old-node.log" ||
    { cat "$WORK/old-node.log"; fail "the bin on an old Node (exit $status)"; }
  echo "ok   $(cat "$WORK/old-node.log")"
fi
echo "release check passed"
