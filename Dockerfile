# syntax=docker/dockerfile:1
# The itsm image: one binary (`node dist/main.js <command>`) for the API, the projector, the scheduler
# and one-shot jobs (migrate, rebuild, reindex, seed). Build: docker build -t itsm .

ARG NODE_IMAGE=node:20.20.2-bookworm-slim

# Compiles TypeScript to dist/ with the full dependency tree (tsc is a dev dependency).
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# Production dependencies only: the API serves swagger-ui-dist's files from node_modules at run time.
FROM ${NODE_IMAGE} AS production-dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=production-dependencies /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# The data directory (PGlite files when no DATABASE_URL, the signing-key file, blobs) belongs to the
# unprivileged user; the code stays root-owned so the process cannot rewrite itself.
RUN mkdir -p /data && chown 1000:1000 /data
# The numeric id of the image's `node` user, so Kubernetes' runAsNonRoot can verify it.
USER 1000:1000
EXPOSE 3000
VOLUME ["/data"]
# Only the HTTP commands (all, serve) answer this; compose and Kubernetes set their own checks for the workers.
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT ?? 3000}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "--enable-source-maps", "dist/main.js"]
CMD ["all"]
