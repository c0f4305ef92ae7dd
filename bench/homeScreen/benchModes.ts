import { envPrefix, subgraphEntries } from '../../platform/registry/services.js';

/**
 * The configurations the bench compares, as the subgraphs' settings that make them:
 *   naive    batching and caching off: what the home screen costs without the kit;
 *   batched  batching on, caching off: every request still reaches the vendors;
 *   full     the defaults (batching and caching on);
 *   cold     as batched (nothing cached anywhere), for the latency of a cold home screen.
 */
export const loadModes = ['naive', 'batched', 'full'] as const;
export type LoadMode = (typeof loadModes)[number];
export type BenchMode = LoadMode | 'cold';

export function modeEnv(mode: BenchMode): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { name } of subgraphEntries) {
    const p = envPrefix(name);
    if (mode !== 'full') Object.assign(env, { [`${p}_CACHE_TTL_MS`]: '0', [`${p}_BATCHING`]: String(mode !== 'naive') });
    // The bench measures our code, not a breaker tripping on its own load: neither the rate
    // rule (volume) nor the streak rule (below that volume, any 3 faults in a row) may open
    // one, so an overloaded naive cell shows its deadlines missed, not fast refusals.
    Object.assign(env, { [`${p}_BREAKER_VOLUME`]: '100000', [`${p}_BREAKER_CONSECUTIVE_FAILURES`]: '100000' });
  }
  return env;
}
