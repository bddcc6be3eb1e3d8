#!/usr/bin/env bash
# Consumer check: the SDK as an app outside this repo gets it from npm.
#
#   REALMKIT_URL=http://localhost:8080 REALMKIT_CLIENT_ID=... REALMKIT_CLIENT_SECRET=... \
#   npm run check:consumer -w @realmkit/sdk
#
# Packs @realmkit/contract and @realmkit/sdk (build them first: `npm run build`) into a temp
# directory, makes a blank project there and installs the two tarballs with typescript and
# @types/node (same versions as the repo's; everything else comes from the npm registry). Then:
#   1. tsc (module/moduleResolution nodenext) type-checks scripts/consumer/consumer.ts as ESM and,
#      in a "type": "commonjs" folder, as CommonJS: the SDK's index.d.ts and index.d.cts (and
#      node.d.ts, node.d.cts of `@realmkit/sdk/node`).
#   2. esm.mjs (import) and cjs.cjs (require) run against the live server given by REALMKIT_URL,
#      REALMKIT_CLIENT_ID and REALMKIT_CLIENT_SECRET (a master-realm client): each creates a realm,
#      a user, lists it with `for await`, checks ConflictError and NotFoundError, gets tokens with a
#      private key, a DPoP-bound one (`dpop: true`) and a workload's, deletes the realm
#      (scripts/consumer/scenario.cjs says all it does).
# They run on the `node` on PATH (CONSUMER_NODE to choose another), not the repo's launcher: on
# this machine that is Node 20, the oldest the SDK supports. The CommonJS run disables
# require(esm) where Node has it, as Node 20 before 20.19 does not.
# Prints `ok  ...` per step and ends with `N passed, 0 failed`; exits non-zero at the first failure.
# KEEP_CONSUMER=1 leaves the temp project in place, to look into.
set -euo pipefail
SDK_DIR="$(cd "$(dirname "$0")/.." && pwd)"
ROOT="$(cd "$SDK_DIR/../.." && pwd)"
CONTRACT_DIR="$ROOT/packages/contract"
NODE="${CONSUMER_NODE:-node}"

if [[ -z "${REALMKIT_URL:-}" || -z "${REALMKIT_CLIENT_ID:-}" || -z "${REALMKIT_CLIENT_SECRET:-}" ]]; then
  echo "error: set REALMKIT_URL, REALMKIT_CLIENT_ID and REALMKIT_CLIENT_SECRET (a master-realm client)" >&2
  exit 2
fi
for built in "$CONTRACT_DIR/dist/index.cjs" "$SDK_DIR/dist/index.cjs"; do
  [[ -f "$built" ]] || { echo "error: $built is missing; run \`npm run build\` first" >&2; exit 2; }
done

WORK="$(mktemp -d "${TMPDIR:-/tmp}/realmkit-consumer.XXXXXX")"
trap '[[ -n "${KEEP_CONSUMER:-}" ]] || rm -rf "$WORK"' EXIT
PASSED=0
ok() { PASSED=$((PASSED + 1)); echo "ok  $*"; }
# Runs a step quietly; on failure prints what it wrote, then the summary line.
quiet() {
  local what="$1" log="$WORK/step.log"
  shift
  if ! "$@" >"$log" 2>&1; then
    echo "FAIL $what:" >&2
    cat "$log" >&2
    echo "$PASSED passed, 1 failed" >&2
    exit 1
  fi
}
# Runs a node script of the consumer, its `ok` lines counted as steps.
run() {
  local what="$1" line
  shift
  if ! (cd "$WORK/app" && "$NODE" "$@") >"$WORK/run.log" 2>&1; then
    cat "$WORK/run.log"
    echo "FAIL $what" >&2
    echo "$PASSED passed, 1 failed" >&2
    exit 1
  fi
  while IFS= read -r line; do
    if [[ "$line" == 'ok  '* ]]; then ok "${line#ok  }"; else echo "$line"; fi
  done <"$WORK/run.log"
}

echo "consumer check in $WORK with $("$NODE" --version) ($(command -v "$NODE")), npm $(npm --version 2>/dev/null)"

# --- Pack -----------------------------------------------------------------------------------
mkdir -p "$WORK/app/cjs"
contract_tgz="$(cd "$CONTRACT_DIR" && npm pack --silent --pack-destination "$WORK" 2>/dev/null | tail -1)"
sdk_tgz="$(cd "$SDK_DIR" && npm pack --silent --pack-destination "$WORK" 2>/dev/null | tail -1)"
[[ -f "$WORK/$contract_tgz" && -f "$WORK/$sdk_tgz" ]] || { echo "FAIL npm pack" >&2; exit 1; }
ok "npm pack: $contract_tgz ($(du -k "$WORK/$contract_tgz" | cut -f1) kB), $sdk_tgz ($(du -k "$WORK/$sdk_tgz" | cut -f1) kB)"

# --- A blank project ------------------------------------------------------------------------
# The tarballs by path; the override makes the SDK's own "@realmkit/contract": "0.1.0" the
# contract's tarball too, so that nothing named @realmkit is looked up on the registry.
versions="$(cd "$ROOT" && node -p 'const d = require("./package.json").devDependencies; `${d.typescript} ${d["@types/node"]}`')"
read -r ts_version types_node_version <<<"$versions"
cat >"$WORK/app/package.json" <<EOF
{
  "name": "realmkit-consumer",
  "private": true,
  "type": "module",
  "dependencies": {
    "@realmkit/contract": "file:../$contract_tgz",
    "@realmkit/sdk": "file:../$sdk_tgz"
  },
  "devDependencies": {
    "@types/node": "$types_node_version",
    "typescript": "$ts_version"
  },
  "overrides": {
    "@realmkit/contract": "\$@realmkit/contract"
  }
}
EOF
quiet "npm install" bash -c "cd '$WORK/app' && npm install --no-audit --no-fund --prefer-offline --loglevel=error"
"$NODE" -e '
  const lock = require(process.argv[1]);
  for (const name of ["@realmkit/contract", "@realmkit/sdk"]) {
    const entry = lock.packages[`node_modules/${name}`];
    if (!entry?.resolved?.startsWith("file:")) throw new Error(`${name} was not installed from its tarball: ${JSON.stringify(entry)}`);
  }
  const nested = Object.keys(lock.packages).filter((key) => /node_modules\/.*node_modules\/@realmkit\//.test(key));
  if (nested.length) throw new Error(`nested copies: ${nested.join(", ")}`);
' "$WORK/app/package-lock.json"
ok "npm install: the two tarballs, typescript@$ts_version, @types/node@$types_node_version"

# --- Types ----------------------------------------------------------------------------------
cp "$SDK_DIR/scripts/consumer/consumer.ts" "$WORK/app/consumer.ts"
cp "$SDK_DIR/scripts/consumer/consumer.ts" "$WORK/app/cjs/consumer.ts"
echo '{ "type": "commonjs" }' >"$WORK/app/cjs/package.json"
cat >"$WORK/app/tsconfig.json" <<'EOF'
{
  "compilerOptions": {
    "target": "es2022",
    "lib": ["es2022"],
    "module": "nodenext",
    "moduleResolution": "nodenext",
    "strict": true,
    "noEmit": true,
    "skipLibCheck": false,
    "types": ["node"]
  },
  "include": ["consumer.ts", "cjs/consumer.ts"]
}
EOF
# skipLibCheck is off, so that the @realmkit declarations are checked too. @ts-rest/core's own
# declarations (3.53.0-rc.1) do not check against zod 4's types; their errors are counted but
# not failed on: an app sees them only with skipLibCheck off, as tsc's default setup has it on.
(cd "$WORK/app" && "$NODE" node_modules/typescript/bin/tsc -p tsconfig.json --explainFiles >tsc.txt) || true
grep 'error TS' "$WORK/app/tsc.txt" >"$WORK/app/errors.txt" || true
if grep -v '^node_modules/@ts-rest/core/' "$WORK/app/errors.txt" >"$WORK/app/ours.txt"; then
  echo "FAIL tsc:" >&2
  cat "$WORK/app/ours.txt" >&2
  echo "$PASSED passed, 1 failed" >&2
  exit 1
fi
# Which declarations each copy was checked against.
for expected in '@realmkit/sdk/dist/index.d.ts' '@realmkit/sdk/dist/index.d.cts' \
  '@realmkit/sdk/dist/node.d.ts' '@realmkit/sdk/dist/node.d.cts' \
  '@realmkit/contract/dist/index.d.ts' '@realmkit/contract/dist/index.d.cts'; do
  grep -q "^node_modules/$expected\$" "$WORK/app/tsc.txt" || { echo "FAIL tsc did not read $expected" >&2; exit 1; }
done
ok "tsc --module nodenext: consumer.ts as ESM (index.d.ts) and as CommonJS (index.d.cts), no errors" \
  "($(wc -l <"$WORK/app/errors.txt") in @ts-rest/core's own declarations, skipped)"

# --- Live -----------------------------------------------------------------------------------
cp "$SDK_DIR/scripts/consumer/"{scenario.cjs,esm.mjs,cjs.cjs} "$WORK/app/"
run "esm.mjs" esm.mjs
no_require_esm=()
if "$NODE" --no-experimental-require-module -e 0 >/dev/null 2>&1; then
  no_require_esm=(--no-experimental-require-module)
fi
run "cjs.cjs" "${no_require_esm[@]}" cjs.cjs

echo "$PASSED passed, 0 failed"
