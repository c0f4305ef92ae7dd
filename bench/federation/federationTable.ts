import { markdownTable } from '../webhooks/markdownTable.js';
import type { CellFigures } from './measureCell.js';

interface Row {
  readonly label: string;
  readonly value: (f: CellFigures) => number;
  readonly digits: number;
  /** Show ours/apollo (counts of failures do not get one). */
  readonly ratio: boolean;
}

const rows: readonly Row[] = [
  { label: 'requests/s', value: (f) => f.requestsPerS, digits: 1, ratio: true },
  { label: 'p50 latency ms', value: (f) => f.p50Ms, digits: 1, ratio: true },
  { label: 'p99 latency ms', value: (f) => f.p99Ms, digits: 1, ratio: true },
  { label: 'gateway CPU-s per 1,000 requests', value: (f) => f.gatewayCpuSPer1kRequests, digits: 3, ratio: true },
  { label: 'requests per gateway CPU-second', value: (f) => f.requestsPerGatewayCpuS, digits: 1, ratio: true },
  { label: 'peak RSS MiB', value: (f) => f.peakRssMiB, digits: 1, ratio: true },
  { label: 'subgraph requests per operation', value: (f) => f.subgraphRequestsPerOperation, digits: 2, ratio: true },
  { label: 'response bytes (with headers)', value: (f) => f.bytesPerResponse, digits: 0, ratio: true },
  { label: 'non-2xx responses', value: (f) => f.non2xx, digits: 0, ratio: false },
  { label: 'answers with GraphQL errors', value: (f) => f.graphqlErrors, digits: 0, ratio: false },
  { label: 'socket errors and timeouts', value: (f) => f.socketErrors, digits: 0, ratio: false },
  { label: 'load side CPU % (other core)', value: (f) => f.loadSideCpuPercent, digits: 0, ratio: false },
  { label: 'machine load average at start', value: (f) => f.loadAverage, digits: 2, ratio: false },
];

const fetches = (f: CellFigures) =>
  `${Object.values(f.checkFetches).reduce((a, b) => a + b, 0)} (${Object.entries(f.checkFetches)
    .map(([name, n]) => `${name} ${n}`)
    .join(', ')})`;

/** metric | apollo-gateway | ours | ours/apollo, for one variant. */
export function federationTable(apollo: CellFigures, ours: CellFigures): string {
  const body = rows.map(({ label, value, digits, ratio }) => {
    const a = value(apollo);
    const o = value(ours);
    return [label, a.toFixed(digits), o.toFixed(digits), ratio && a > 0 ? `${(o / a).toFixed(2)}×` : ''];
  });
  body.push(['subgraph fetches of one query', fetches(apollo), fetches(ours), '']);
  return markdownTable(['metric', 'apollo-gateway', 'ours', 'ours/apollo'], body);
}

/** Failure counts: summed over runs, never a median (which would hide a failing run). */
const SUMMED = new Set<string>(['non2xx', 'graphqlErrors', 'socketErrors']);

/** The median of each figure over runs, failures summed (the check's fetches and the labels from the first run). */
export function medianFigures(runs: readonly CellFigures[]): CellFigures {
  const median = (pick: (f: CellFigures) => number) => {
    const sorted = runs.map(pick).sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  };
  const first = runs[0]!;
  const numeric = Object.fromEntries(
    Object.entries(first)
      .filter(([, value]) => typeof value === 'number')
      .map(([key]) => {
        const pick = (f: CellFigures) => (f as unknown as Record<string, number>)[key]!;
        return [key, SUMMED.has(key) ? runs.reduce((sum, f) => sum + pick(f), 0) : median(pick)];
      }),
  );
  return { ...first, ...numeric };
}
