/** One request's outcome, as a mobile client sees it. */
export type Outcome = 'full' | 'partial' | 'failed';

export interface LoadFigures {
  readonly requests: number;
  readonly status200: number;
  readonly full: number;
  readonly partial: number;
  readonly failed: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export async function homeScreenOnce(gatewayUrl: string, body: string): Promise<{ outcome: Outcome; status: number; ms: number }> {
  const started = performance.now();
  try {
    const res = await fetch(gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(30_000) });
    const json = (await res.json()) as { data?: { products?: unknown } | null; errors?: unknown[] };
    const ms = performance.now() - started;
    const hasData = json.data !== null && json.data !== undefined && json.data.products !== null && json.data.products !== undefined;
    const outcome: Outcome = res.status === 200 && hasData ? ((json.errors?.length ?? 0) === 0 ? 'full' : 'partial') : 'failed';
    return { outcome, status: res.status, ms };
  } catch {
    return { outcome: 'failed', status: 0, ms: performance.now() - started };
  }
}

const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

/** `concurrency` clients sending the home screen back to back for `durationMs` (loopback only, bounded). */
export async function drive(gatewayUrl: string, body: string, options: { durationMs: number; concurrency: number }): Promise<LoadFigures> {
  const until = Date.now() + options.durationMs;
  const results: { outcome: Outcome; status: number; ms: number }[] = [];
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (Date.now() < until) results.push(await homeScreenOnce(gatewayUrl, body));
    }),
  );
  const sorted = results.map((r) => r.ms).sort((a, b) => a - b);
  const count = (o: Outcome) => results.filter((r) => r.outcome === o).length;
  return {
    requests: results.length,
    status200: results.filter((r) => r.status === 200).length,
    full: count('full'),
    partial: count('partial'),
    failed: count('failed'),
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? 0,
  };
}

/** Milliseconds from now until the first home screen with no error (one request every 100 ms), or -1 past `limitMs`. */
export async function recoveryMs(gatewayUrl: string, body: string, limitMs = 60_000): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < limitMs) {
    if ((await homeScreenOnce(gatewayUrl, body)).outcome === 'full') return Math.round(performance.now() - started);
    await new Promise((r) => setTimeout(r, 100));
  }
  return -1;
}
