import { defineSubgraph } from '../kit/server/SubgraphModule.js';
import { notificationsSettings, parseNotificationsConfig } from './config.js';
import { createNotificationsSubgraph } from './server.js';

/** How the registry's tools (npm start, the test harness, docs) run and document this subgraph. */
export const subgraph = defineSubgraph({
  name: 'notifications',
  settings: notificationsSettings,
  parseConfig: parseNotificationsConfig,
  create: createNotificationsSubgraph,
});
