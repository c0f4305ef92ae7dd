import type { CallRecord } from '../../vendors/sandbox/types.js';

/** The sandbox's own counters and latency (its control API), from outside the system under test. */
export interface VendorCounters {
  /** Calls received per vendor since the last reset. */
  totals(): Promise<Record<string, number>>;
  /** The last calls each vendor received (the sandbox keeps 1,000), with their arrival time and request id. */
  calls(): Promise<Record<string, CallRecord[]>>;
  reset(): Promise<void>;
  /** Every vendor answers after `ms` from now on (the sandbox's fault control). */
  setLatency(ms: number): Promise<void>;
}

export function vendorCounters(vendors: Readonly<Record<string, string>>): VendorCounters {
  const stats = async () =>
    Object.fromEntries(
      await Promise.all(
        Object.entries(vendors).map(async ([name, url]) => {
          const res = await fetch(`${url}/__sandbox/stats`);
          if (!res.ok) throw new Error(`sandbox ${name}: stats answered ${res.status}`);
          return [name, (await res.json()) as { total: number; calls: CallRecord[] }] as const;
        }),
      ),
    );
  return {
    totals: async () => Object.fromEntries(Object.entries(await stats()).map(([name, s]) => [name, s.total])),
    calls: async () => Object.fromEntries(Object.entries(await stats()).map(([name, s]) => [name, s.calls])),
    async reset() {
      await Promise.all(Object.values(vendors).map((url) => fetch(`${url}/__sandbox/stats`, { method: 'DELETE' }).then((r) => r.body?.cancel())));
    },
    async setLatency(ms) {
      await Promise.all(
        Object.entries(vendors).map(async ([name, url]) => {
          const res = await fetch(`${url}/__sandbox/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ latencyMs: ms }) });
          await res.body?.cancel();
          if (!res.ok) throw new Error(`sandbox ${name}: faults answered ${res.status}`);
        }),
      );
    },
  };
}

export const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
