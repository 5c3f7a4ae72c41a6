# metbot's image: docker build -t metbot . (or podman/buildah build; see docs/operations.md)
#
# Three stages: `build` compiles dist/ with every dependency; `deps` installs production
# dependencies only (better-sqlite3 compiled for this Node); the final stage is distroless
# Node 20 (no shell, no package manager), runs as a non-root user, and writes nowhere but
# /data (SQLite and the generated data key, when used) and /tmp: the root file system can be
# mounted read-only.

ARG NODE_IMAGE=node:20-slim
ARG RUNTIME_IMAGE=gcr.io/distroless/nodejs20-debian12:nonroot

FROM ${NODE_IMAGE} AS toolchain
# better-sqlite3 falls back to compiling from source when its prebuilt binary cannot be fetched.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV CHECKPOINT_DISABLE=1 PRISMA_HIDE_UPDATE_MESSAGE=1 npm_config_update_notifier=false

FROM toolchain AS build
COPY package.json package-lock.json ./
COPY scripts ./scripts
COPY prisma ./prisma
# The config selects Prisma's WebAssembly engines: without it `prisma generate` downloads a binary.
COPY prisma.config.ts ./
# postinstall writes both Prisma schemas and generates both clients (no engine download).
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY adapters ./adapters
COPY prompts ./prompts
RUN npm run build

FROM toolchain AS deps
COPY package.json package-lock.json ./
# No install scripts (they would run the Prisma generator, which needs dev tools); then compile
# the one native module the application needs.
COPY scripts/prune-runtime.mjs ./scripts/
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
  && npm rebuild better-sqlite3 \
  && node scripts/prune-runtime.mjs node_modules \
  && npm cache clean --force \
  && mkdir -p /empty/data

FROM ${RUNTIME_IMAGE}
WORKDIR /app
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3978 \
    DATA_DIR=/data \
    DATABASE_URL=file:/data/metbot.db
COPY --from=deps --chown=0:0 /app/node_modules ./node_modules
COPY --from=build --chown=0:0 /app/dist ./dist
COPY --chown=0:0 package.json ./
# The distroless :nonroot user (65532) owns only /data.
COPY --from=deps --chown=65532:65532 /empty/data /data
USER 65532:65532
VOLUME ["/data"]
EXPOSE 3978
# Liveness: the process answers (no shell in this image, so Node itself asks).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["/nodejs/bin/node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3978)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["/nodejs/bin/node"]
# The same flags as `npm run start:built` (test/deploy/image.test.ts holds them equal). V8's heap is
# capped to fit the deployment's 384 MiB: old space 160 MB and 8 MB semi-spaces, plus about 100 MB
# that is not heap (Node itself, Prisma's query compiler, buffers) keeps a busy instance under 250 MB.
# Without a cap V8 sizes the heap from the machine's memory, lets it grow to several times what is
# live before collecting, and a busy instance reached 455 MB in the soak test (docs/operations.md).
CMD ["--enable-source-maps", "--max-old-space-size=160", "--max-semi-space-size=8", "dist/src/main.js"]
