# Realmkit: `docker build -t realmkit .` then
#   docker run -p 8080:8080 -v realmkit-data:/data realmkit                      (embedded database)
#   docker run -p 8080:8080 -e DATABASE_URL=postgres://... -e REALMKIT_SECRET_KEY=... realmkit
# See docs/operations.md.

# --- dependencies: production packages of the server and the contract only -------------------
FROM node:24-slim AS deps
WORKDIR /app
# npm ci checks the lockfile against every workspace, so every workspace's package.json comes in.
COPY package.json package-lock.json ./
COPY packages/contract/package.json packages/contract/
COPY packages/sdk/package.json packages/sdk/
COPY apps/server/package.json apps/server/
COPY examples/resource-server/package.json examples/resource-server/
COPY examples/sdk-quickstart/package.json examples/sdk-quickstart/
COPY examples/generated-client/package.json examples/generated-client/
# No install scripts: argon2 loads its prebuilt binary (linux x64 and arm64, glibc) at run time.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
      --workspace=@realmkit/server --workspace=@realmkit/contract \
  && npm cache clean --force

# --- runtime ---------------------------------------------------------------------------------
FROM node:24-slim
# The drain on SIGTERM fits in `docker stop`'s default 10 s grace period.
ENV NODE_ENV=production \
    PORT=8080 \
    REALMKIT_DATA_DIR=/data \
    REALMKIT_SHUTDOWN_TIMEOUT_MS=8000
WORKDIR /app
COPY --from=deps /app /app
# TypeScript sources run as they are (Node's type stripping), as `npm start` runs them.
COPY packages/contract/src packages/contract/src
COPY apps/server/src apps/server/src
COPY apps/server/templates apps/server/templates
# The code belongs to root and is read-only for the server; only the data directory is its own.
RUN mkdir -p /data && chown node:node /data
USER node
# The embedded database (pgdata/) and the generated secret key (secret.key), unless DATABASE_URL
# and REALMKIT_SECRET_KEY are set.
VOLUME /data
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM drains requests in flight for up to REALMKIT_SHUTDOWN_TIMEOUT_MS; raise it together with
# the orchestrator's grace period (`docker stop --time`, terminationGracePeriodSeconds).
STOPSIGNAL SIGTERM
# `npm start` without npm in between: node runs as PID 1 and gets SIGTERM itself.
CMD ["node", "--conditions=realmkit-source", "apps/server/src/main.ts"]
