import { STATS_PATH, type BenchSubgraphStats } from './startBenchSubgraphs.js';
import type { BenchSubgraphName } from './subgraphs/index.js';

/** The bench subgraphs' counters, read over HTTP (they run in a process of their own). */
export interface SubgraphsClient {
  stats(): Promise<Record<BenchSubgraphName, BenchSubgraphStats>>;
  reset(): Promise<void>;
}

export function subgraphsClient(urls: Readonly<Record<BenchSubgraphName, string>>): SubgraphsClient {
  const statsUrl = (url: string) => new URL(STATS_PATH, url).href;
  const call = async (method: 'GET' | 'DELETE') => {
    const entries = await Promise.all(
      Object.entries(urls).map(async ([name, url]) => {
        const res = await fetch(statsUrl(url), { method });
        if (!res.ok) throw new Error(`${name} stats: HTTP ${res.status}`);
        return [name, (await res.json()) as BenchSubgraphStats] as const;
      }),
    );
    return Object.fromEntries(entries) as Record<BenchSubgraphName, BenchSubgraphStats>;
  };
  return {
    stats: () => call('GET'),
    reset: () => call('DELETE').then(() => undefined),
  };
}
