# One image for every service; docker-compose.yml picks the entry point per service.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production \
    APOLLO_TELEMETRY_DISABLED=1
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
COPY tsconfig.json ./
COPY platform ./platform
COPY gateway ./gateway
COPY subgraphs ./subgraphs
COPY schema ./schema
COPY vendors ./vendors
USER node
EXPOSE 4000
CMD ["node", "--import", "tsx", "gateway/src/main.ts"]
