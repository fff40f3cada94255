# Mirrors .ci/run: npm ci from the lockfile, tsc build, then production dependencies only.
FROM node:24-bookworm-slim AS build
WORKDIR /app
ENV PRISMA_SCHEMA_ENGINE_BINARY=/bin/false
COPY package.json package-lock.json ./
COPY prisma ./prisma
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY bench ./bench
RUN npm run build && npm prune --omit=dev

FROM node:24-bookworm-slim
# `npm run backup`/`restore` run pg_dump/pg_restore, which refuse a server of a newer major than
# their own; bookworm has only 15. The client of compose's PostgreSQL (postgres:17) comes from
# the PostgreSQL project's apt repository; build with --build-arg PG_MAJOR=N for another server.
ARG PG_MAJOR=17
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && install -d /usr/share/postgresql-common/pgdg \
 && curl -fsSL -o /usr/share/postgresql-common/pgdg/apt.postgresql.org.asc https://www.postgresql.org/media/keys/ACCC4CF8.asc \
 && echo "deb [signed-by=/usr/share/postgresql-common/pgdg/apt.postgresql.org.asc] https://apt.postgresql.org/pub/repos/apt bookworm-pgdg main" > /etc/apt/sources.list.d/pgdg.list \
 && apt-get update \
 && apt-get install -y --no-install-recommends postgresql-client-${PG_MAJOR} \
 && apt-get purge -y curl && apt-get autoremove -y && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production PORT=3443 DATA_DIR=/data PG_MAJOR=${PG_MAJOR}
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/prisma ./prisma
COPY samples ./samples
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3443
# Operator commands run compiled, with no build step: docker compose exec app npm run db:status
# (or node dist/src/cli/didhub.js <command>; see the README).
# Production needs SESSION_SECRET, API_KEY_PEPPER, ENCRYPTION_KEYS, TLS_CERT_FILE/TLS_KEY_FILE
# (or TRUST_PROXY behind a TLS-terminating proxy), DATABASE_URL and SMTP_URL; it refuses to start without them.
# Liveness answers a probe from loopback (or PROBE_SOURCES) without TLS even behind TRUST_PROXY;
# test/platform/operations.e2e-spec.ts runs this exact command.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD node -e "const u=process.env.TRUST_PROXY&&!process.env.TLS_CERT_FILE?'http':'https';require(u).get(u+'://127.0.0.1:'+(process.env.PORT||3443)+'/v1/health',{rejectUnauthorized:false,timeout:4000},r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))"
CMD ["node", "dist/src/main.js"]
