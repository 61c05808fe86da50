# One image for every Chief service; docker-compose.yml picks each service's entry point.
# TypeScript runs through tsx's loader, so there is no build step.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
# Manifests first, so dependency layers are reused while only sources change.
COPY package.json package-lock.json ./
COPY runtime/package.json runtime/
COPY drizzle/package.json drizzle/
COPY subgraphs/core/package.json subgraphs/core/
COPY subgraphs/work/package.json subgraphs/work/
COPY subgraphs/ops/package.json subgraphs/ops/
COPY gateway/package.json gateway/
RUN npm install --omit=dev --no-audit --no-fund && npm cache clean --force
COPY . .
USER node
CMD ["node", "--import", "tsx", "gateway/src/main.ts"]
