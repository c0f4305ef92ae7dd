import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { parse } from 'graphql';
import type { Logger } from '../../subgraphs/kit/log/createLogger.js';
import { createHttpHandler, type HttpHandler } from '../../subgraphs/kit/server/createHttpHandler.js';
import { requestIdPlugin } from '../../subgraphs/kit/server/requestIdPlugin.js';
import type { GatewayConfig } from './config.js';
import { createContextFactory, type GatewayContext } from './context.js';
import { SubgraphDataSource } from './datasources/SubgraphDataSource.js';
import { maskGatewayError } from './plugins/errorMasking.js';
import { landingPagePlugin } from './plugins/landingPage.js';
import { operationResolutionPlugin } from './plugins/operationResolution.js';
import { telemetryOffPlugins } from './plugins/telemetryOff.js';
import { supergraphSubgraphs } from './supergraphSubgraphs.js';

export interface GatewayOptions {
  readonly config: GatewayConfig;
  /** The supergraph to serve (see `loadSupergraph`). */
  readonly supergraphSdl: string;
  readonly logger: Logger;
}

export interface Gateway {
  /** node:http listener: /graphql, /healthz, /readyz. */
  readonly handler: HttpHandler;
  /** Loads the supergraph and builds the query planner; ready when it resolves. */
  start(): Promise<void>;
  /** Readiness goes false now (for shutdown: before the HTTP server closes). Idempotent. */
  drain(): void;
  /** Drains, stops Apollo and closes the subgraph connection pools. Idempotent. */
  stop(): Promise<void>;
  /** Supergraph loaded and not draining. Drives `/readyz`. */
  isReady(): boolean;
}

/**
 * The gateway, without ports or environment: Apollo Gateway over a static supergraph,
 * one keep-alive data source per subgraph, errors masked to registry codes, the
 * request id in and out, telemetry off. `main.ts` listens; tests call this directly.
 */
export function createGateway({ config, supergraphSdl, logger }: GatewayOptions): Gateway {
  const known = supergraphSubgraphs(parse(supergraphSdl)) ?? [];
  const unknown = Object.keys(config.subgraphUrls).filter((name) => !known.some((s) => s.name === name));
  if (unknown.length > 0) {
    throw new Error(
      `SUBGRAPH_URLS names ${unknown.map((n) => `"${n}"`).join(', ')}, not in the supergraph (it has ${known.map((s) => `"${s.name}"`).join(', ')}).`,
    );
  }

  const dataSources: SubgraphDataSource[] = [];
  const gateway = new ApolloGateway({
    supergraphSdl,
    logger,
    // Catch a broken supergraph at start-up, in every environment, not at the first query.
    validateSupergraph: true,
    __exposeQueryPlanExperimental: false,
    buildService({ name, url }) {
      const target = config.subgraphUrls[name] ?? url;
      if (!target) throw new Error(`Subgraph "${name}" has no URL in the supergraph; set it with SUBGRAPH_URLS=${name}=http://…`);
      const source = new SubgraphDataSource({
        name,
        url: target,
        timeoutMs: config.subgraphTimeoutMs,
        connections: config.subgraphConnections,
        logger: logger.child({ subgraph: name }),
      });
      dataSources.push(source);
      return source;
    },
  });

  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    logger,
    nodeEnv: config.nodeEnv,
    introspection: config.introspection,
    includeStacktraceInErrorResponses: false,
    hideSchemaDetailsFromClientErrors: config.nodeEnv === 'production',
    formatError: maskGatewayError,
    // main.ts owns the signals: it drains HTTP first, then stops Apollo.
    stopOnTerminationSignals: false,
    plugins: [requestIdPlugin<GatewayContext>(), operationResolutionPlugin(), ...telemetryOffPlugins(), landingPagePlugin(config.nodeEnv)],
  });

  let started = false;
  let draining = false;
  let stopping: Promise<void> | undefined;
  const isReady = () => started && !draining;

  const handler = createHttpHandler<GatewayContext>({
    apollo,
    logger,
    isReady,
    maxBodyBytes: config.maxBodyBytes,
    context: createContextFactory(logger),
  });

  return {
    handler,
    isReady,
    async start() {
      await apollo.start();
      started = true;
    },
    drain() {
      draining = true;
    },
    stop() {
      draining = true;
      stopping ??= (async () => {
        try {
          if (started) await apollo.stop();
        } finally {
          await Promise.allSettled(dataSources.map((source) => source.close()));
        }
      })();
      return stopping;
    },
  };
}
