# syntax=docker/dockerfile:1
# lifecert: one image for every role of the installation — `serve` (the default), `worker`,
# `sandbox`, `migrate`, `roster import`, `user add` — chosen by the command.
# The hub is TypeScript run directly by Node 24's type stripping (bin/lifecert.js starts
# cli/main.ts): there is no compile step, the sources are what runs.

# ---- deps: the production dependencies only (npm ci --omit=dev), for the final stage
FROM node:24-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

# ---- build: every dependency (npm ci), the type check as a gate
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY bin ./bin
COPY cli ./cli
COPY config ./config
COPY connectors ./connectors
COPY examples ./examples
COPY feedback ./feedback
COPY flows ./flows
COPY gateway ./gateway
COPY jobs ./jobs
COPY lib ./lib
COPY matching ./matching
COPY mirror ./mirror
COPY pipeline ./pipeline
COPY report ./report
COPY sandbox ./sandbox
COPY schemas ./schemas
COPY test ./test
COPY bench ./bench
RUN npx tsc -p tsconfig.json --noEmit

# ---- runtime: Node 24 slim, production dependencies, the sources, a non-root user
FROM node:24-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    LIFECERT_DATA_DIR=/data \
    LIFECERT_CONFIG=/data/lifecert.config.json
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/package.json /app/lifecert.config.example.json ./
COPY --from=build /app/bin ./bin
COPY --from=build /app/cli ./cli
COPY --from=build /app/config ./config
COPY --from=build /app/connectors ./connectors
COPY --from=build /app/examples ./examples
COPY --from=build /app/feedback ./feedback
COPY --from=build /app/flows ./flows
COPY --from=build /app/gateway ./gateway
COPY --from=build /app/jobs ./jobs
COPY --from=build /app/lib ./lib
COPY --from=build /app/matching ./matching
COPY --from=build /app/mirror ./mirror
COPY --from=build /app/pipeline ./pipeline
COPY --from=build /app/report ./report
COPY --from=build /app/sandbox ./sandbox
COPY --from=build /app/schemas ./schemas
# the data folder (embedded database, civil drop, world files) belongs to the unprivileged `node` user of the image
RUN mkdir -p /data && chown node:node /data
USER node
WORKDIR /data
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "/app/bin/lifecert.js"]
CMD ["serve"]
