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
COPY apps/console/package.json apps/console/
COPY examples/resource-server/package.json examples/resource-server/
COPY examples/sdk-quickstart/package.json examples/sdk-quickstart/
COPY examples/generated-client/package.json examples/generated-client/
# No install scripts: argon2 and bcrypt load their prebuilt binaries (shipped in their npm packages) at run time.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
      --workspace=@realmkit/server --workspace=@realmkit/contract \
  && npm cache clean --force

# --- build: the server's dist/ (and the contract's), Scalar's bundle vendored into assets/, and
# the console (apps/console) built into console/ ----------------------------------------------
FROM node:24-slim AS build
WORKDIR /app
COPY . .
RUN npm ci --ignore-scripts --no-audit --no-fund \
  && npx turbo run build --filter=@realmkit/server

# --- runtime ---------------------------------------------------------------------------------
FROM node:24-slim
# The drain on SIGTERM fits in `docker stop`'s default 10 s grace period.
ENV NODE_ENV=production \
    PORT=8080 \
    REALMKIT_DATA_DIR=/data \
    REALMKIT_SHUTDOWN_TIMEOUT_MS=8000
WORKDIR /app
COPY --from=deps /app /app
# The built packages, as published: what `npm run check:release` runs from a blank directory.
COPY --from=build /app/packages/contract/dist packages/contract/dist
COPY --from=build /app/apps/server/dist apps/server/dist
COPY --from=build /app/apps/server/assets apps/server/assets
COPY --from=build /app/apps/server/console apps/server/console
COPY apps/server/bin apps/server/bin
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
# `realmkit start` without npm in between: node runs as PID 1 and gets SIGTERM itself.
CMD ["node", "apps/server/bin/realmkit.mjs", "start"]
