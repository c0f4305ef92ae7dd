import { envPrefix, subgraphEntries } from '../../platform/registry/services.js';

/**
 * The configurations the bench compares, as the settings that make them:
 *   naive    batching and caching off, and no sharing of identical fetches in flight at the
 *            gateway: what the home screen costs without the kit;
 *   batched  batching on, caching and sharing off: every request still reaches the vendors;
 *   full     the defaults (batching, caching and in-flight sharing on);
 *   cold     as batched (nothing cached or shared anywhere), for the latency of a cold home screen;
 *   warm     the defaults plus the gateway's response cache in memory (RESPONSE_CACHE).
 * Settings a service does not know are ignored by it, so the bench runs on gateways with or
 * without SUBGRAPH_DEDUPE and RESPONSE_CACHE.
 */
export const loadModes = ['naive', 'batched', 'full'] as const;
export type LoadMode = (typeof loadModes)[number];
export type BenchMode = LoadMode | 'cold' | 'warm';

export function modeEnv(mode: BenchMode): Record<string, string> {
  const env: Record<string, string> = {};
  const nothingShared = mode === 'naive' || mode === 'batched' || mode === 'cold';
  for (const { name } of subgraphEntries) {
    const p = envPrefix(name);
    if (nothingShared) Object.assign(env, { [`${p}_CACHE_TTL_MS`]: '0', [`${p}_BATCHING`]: String(mode !== 'naive') });
    // The bench measures our code, not a breaker tripping on its own load: neither the rate
    // rule (volume) nor the streak rule (below that volume, any 3 faults in a row) may open
    // one, so an overloaded naive cell shows its deadlines missed, not fast refusals.
    Object.assign(env, { [`${p}_BREAKER_VOLUME`]: '100000', [`${p}_BREAKER_CONSECUTIVE_FAILURES`]: '100000' });
  }
  if (nothingShared) env.SUBGRAPH_DEDUPE = 'false';
  if (mode === 'warm') env.RESPONSE_CACHE = 'memory';
  return env;
}
