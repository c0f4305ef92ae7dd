/**
 * The benchmark's four subgraphs in a process of their own (npm run bench:federation runs it
 * pinned to the load generator's CPU, away from the gateway's). Prints one JSON line with
 * their URLs, then runs until SIGTERM.
 */
import { startBenchSubgraphs } from './startBenchSubgraphs.js';

const subgraphs = await startBenchSubgraphs();
process.stdout.write(`${JSON.stringify({ urls: subgraphs.urls })}\n`);
process.on('SIGTERM', () => {
  void subgraphs.close().then(() => process.exit(0));
});
