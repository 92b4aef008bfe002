# Production image: compiled TypeScript plus the prebuilt workflow bundle, production dependencies only.
# One image, three commands: `node dist/src/setup-cli.js` (migrate, once per deploy),
# `node dist/src/server.js` (API, the default) and `node dist/src/worker.js` (worker).
# Node 24, the LTS line .nvmrc pins and package.json's engines asks for (docs/operations.md#containers).
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# The Temporal core bridge ships native builds for five platforms and its Rust sources; the image
# runs on one of them.
RUN npm run build && npm prune --omit=dev --no-audit --no-fund \
  && find node_modules/@temporalio/core-bridge/releases -mindepth 1 -maxdepth 1 \
    ! -name "$(uname -m)-unknown-linux-gnu" -exec rm -rf {} + \
  && rm -rf node_modules/@temporalio/core-bridge/sdk-core

FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
# Owned by root and read-only to the process: the app cannot rewrite its own code.
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000
CMD ["node", "dist/src/server.js"]
