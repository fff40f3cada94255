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
ENV NODE_ENV=production PORT=3443 DATA_DIR=/data
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
# Production needs SESSION_SECRET, API_KEY_PEPPER, ENCRYPTION_KEYS and TLS_CERT_FILE/TLS_KEY_FILE
# (or TRUST_PROXY behind a TLS-terminating proxy); it refuses to start without them.
# Liveness answers a probe from loopback (or PROBE_SOURCES) without TLS even behind TRUST_PROXY;
# test/platform/operations.e2e-spec.ts runs this exact command.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD node -e "const u=process.env.TRUST_PROXY&&!process.env.TLS_CERT_FILE?'http':'https';require(u).get(u+'://127.0.0.1:'+(process.env.PORT||3443)+'/v1/health',{rejectUnauthorized:false,timeout:4000},r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))"
CMD ["node", "dist/src/main.js"]
