/** p50, p99 and max of some durations (ms), nearest rank; zeros when there are none. */
export interface LatencyFigures {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export function latencyFigures(values: readonly number[]): LatencyFigures {
  if (values.length === 0) return { count: 0, p50: 0, p99: 0, max: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
  return { count: sorted.length, p50: rank(0.5), p99: rank(0.99), max: sorted.at(-1)! };
}
