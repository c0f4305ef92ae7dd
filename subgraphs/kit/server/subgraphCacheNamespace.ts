/**
 * Where a subgraph's cache lives in a shared Redis: under the deployment's REDIS_PREFIX,
 * then its own name (keyv adds `::<key>`). main.ts and the test harness both use this, so
 * what the tests check is what runs.
 */
export function subgraphCacheNamespace(redisPrefix: string, subgraph: string): string {
  return `${redisPrefix}:${subgraph}`;
}
