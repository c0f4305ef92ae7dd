# One image for every service: the service is chosen by the command, e.g.
#   node dist/gateway/src/main.js                    (the default)
#   node dist/subgraphs/<name>/main.js               (catalog, reviews, accounts, payments, notifications)
#   node dist/subgraphs/<name>/worker/main.js        (payments, notifications: their workers alone)
#   node dist/vendors/main.js                        (the vendor sandbox, for development only)
# Compiled JavaScript run with plain node: no TypeScript and no dev dependency at run time.
# Node 24 LTS (maintained until April 2028); pin a digest (node:24-trixie-slim@sha256:…) for
# reproducible builds.
ARG NODE_IMAGE=node:24-trixie-slim

# ── build: every dependency, `npm run build` → /app/dist ───────────────────────────────────
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# npm ci's postinstall edits an installed dependency (see the script): both stages need it.
COPY scripts/patchDependencies.mjs ./scripts/patchDependencies.mjs
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build.ts ./scripts/build.ts
COPY scripts/build ./scripts/build
COPY platform ./platform
COPY gateway ./gateway
COPY subgraphs ./subgraphs
COPY vendors ./vendors
RUN npm run build

# ── production-deps: only what the services load ──────────────────────────────────────────
FROM ${NODE_IMAGE} AS production-deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts/patchDependencies.mjs ./scripts/patchDependencies.mjs
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# ── the image ─────────────────────────────────────────────────────────────────────────────
FROM ${NODE_IMAGE}
# NODE_OPTIONS: the V8 flags every service runs with (platform/registry/services.ts,
# SERVICE_NODE_FLAGS): a young generation of the same size on every Node, host and pod.
# Add your own flags after these rather than replacing them. No heap size: Node gives the old
# generation half the container's memory limit, so give every container one (deploy/k8s,
# docker-compose.yml: the registry's serviceMemoryMiB).
ENV NODE_ENV=production \
    APOLLO_TELEMETRY_DISABLED=1 \
    NODE_OPTIONS=--max-semi-space-size=16
WORKDIR /app
# Owned by root, so the services (user node) cannot change their own code.
COPY package.json ./
COPY --from=production-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# Files read through settings whose defaults are relative to the working directory (the
# project root, /app here), kept at their project paths: the supergraph (SUPERGRAPH_PATH),
# the app builds' persisted query manifests (PERSISTED_QUERY_MANIFEST), and the sandbox's
# push credentials (the notifications defaults outside production; refused in production).
COPY schema/supergraph.graphql ./schema/supergraph.graphql
COPY schema/app-builds ./schema/app-builds
COPY vendors/fcm/sandbox-service-account.json ./vendors/fcm/sandbox-service-account.json
COPY vendors/apns/fixtures ./vendors/apns/fixtures
# The embedded database's default data dirs (.data/<service>, used when DATABASE_URL is unset),
# writable by the services; mount a volume there to keep them.
RUN mkdir .data && chown node:node .data
USER node
EXPOSE 4000
# Works for every service: it reads the service from the main process's command line and its
# port from the same environment (see platform/healthcheck/main.ts). Kubernetes ignores it
# and uses its own probes.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "dist/platform/healthcheck/main.js"]
CMD ["node", "dist/gateway/src/main.js"]
