import { createEventRoute } from '../../platform/events/createEventRoute.js';
import { subgraphEntry } from '../../platform/registry/services.js';
import { createSubgraphServer, type SubgraphContext } from '../kit/server/createSubgraphServer.js';
import { loadSchemaFile } from '../kit/server/loadSchemaFile.js';
import type { SubgraphDeps } from '../kit/server/SubgraphModule.js';
import { subgraphMetrics } from '../kit/server/subgraphMetrics.js';
import type { SubgraphService } from '../kit/server/SubgraphService.js';
import type { NotificationsConfig } from './config.js';
import type { NotificationsContext } from './context.js';
import { createNotificationsRuntime } from './createNotificationsRuntime.js';
import { notificationsPermissions } from './permissions.js';
import { createPushSender } from './push/createPushSender.js';
import { resolvers } from './resolvers/index.js';

export const typeDefs = loadSchemaFile(new URL('./schema.graphql', import.meta.url));

/** Where other services deliver their events (the registry says, so producers, npm start and the harness agree). */
export const EVENTS_PATH = subgraphEntry('notifications').eventsPath ?? '/events';

/**
 * The notifications subgraph: devices, preferences and the in-app inbox in its own
 * database, the events route, and the event workers that push through FCM and APNs.
 * No resolver calls a vendor: the GraphQL side only reads and writes the store, and pushes
 * leave from the workers through the push sender (which builds its own kit clients: FCM's
 * OAuth token exchange and APNs' HTTP/2 provider tokens do not fit one API key), so this is a
 * plain subgraph server, not a vendor subgraph. Opens no port (see main.ts); the database opens when the server starts.
 */
export function createNotificationsSubgraph(deps: SubgraphDeps<NotificationsConfig>): SubgraphService {
  const { config, logger } = deps;
  // The push sends of the workers in this process count here, and this server serves it at /metrics.
  const metrics = subgraphMetrics('notifications', deps.metrics);
  const sender = createPushSender(config, logger, { metrics });
  const runtime = createNotificationsRuntime({ config, logger, sender });

  const createContext = ({ requestId, logger: requestLogger, viewer }: SubgraphContext): NotificationsContext => ({
    requestId,
    logger: requestLogger,
    viewer,
    stores: () => runtime.stores(),
  });
  // The events route asks the server's readiness, and the server is made with the route: bound late.
  let isReady = (): boolean => false;
  const server = createSubgraphServer<NotificationsContext>({
    name: 'notifications',
    typeDefs,
    resolvers,
    permissions: notificationsPermissions,
    logger,
    introspection: config.introspection,
    nodeEnv: config.nodeEnv,
    identityJwks: config.identityJwks,
    documentCacheMiB: config.documentCacheMiB,
    createContext,
    routes: [createEventRoute({ path: EVENTS_PATH, maxBodyBytes: config.eventsMaxBodyBytes, secrets: config.eventsSecrets, record: () => runtime.recorder(), isReady: () => isReady(), logger })],
    lifecycle: runtime,
    metrics,
  });
  isReady = () => server.isReady();
  return {
    name: 'notifications',
    server,
    metrics,
    createContext,
    async close() {
      await server.stop();
      await sender.close();
    },
  };
}
