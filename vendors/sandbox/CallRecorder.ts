import type { CallRecord, RouteStats, VendorStats } from './types.js';

const KEEP_CALLS = 1000;
/** Per route; enough for any test, bounded for a long benchmark. */
const KEEP_BATCH_SIZES = 10_000;

/**
 * Counts every API request as it arrives (refused ones included), so tests can prove
 * batching ("one call of 20 ids") and caching ("no call at all").
 */
export class CallRecorder {
  private total = 0;
  private byRoute = new Map<string, RouteStats>();
  private calls: CallRecord[] = [];
  /** Records that began before the last reset must not leak into the new counts. */
  private generation = 0;
  private readonly generations = new WeakMap<CallRecord, number>();

  begin(call: Omit<CallRecord, 'status' | 'batchSize'>): CallRecord {
    const record: CallRecord = {
      method: call.method,
      route: call.route,
      path: call.path,
      batchSize: null,
      requestId: call.requestId,
      status: 0,
      at: call.at,
    };
    this.generations.set(record, this.generation);
    this.total += 1;
    this.routeStats(call.route).count += 1;
    this.calls.push(record);
    if (this.calls.length > KEEP_CALLS) this.calls.splice(0, this.calls.length - KEEP_CALLS);
    return record;
  }

  setBatchSize(record: CallRecord, size: number | null): void {
    record.batchSize = size;
    if (size === null || this.generations.get(record) !== this.generation) return;
    const sizes = this.routeStats(record.route).batchSizes;
    sizes.push(size);
    if (sizes.length > KEEP_BATCH_SIZES) sizes.splice(0, sizes.length - KEEP_BATCH_SIZES);
  }

  finish(record: CallRecord, status: number): void {
    record.status = status;
  }

  stats(): VendorStats {
    const byRoute: Record<string, RouteStats> = {};
    for (const [route, s] of this.byRoute) byRoute[route] = { count: s.count, batchSizes: [...s.batchSizes] };
    return { total: this.total, byRoute, calls: this.calls.map((c) => ({ ...c })) };
  }

  reset(): void {
    this.generation += 1;
    this.total = 0;
    this.byRoute = new Map();
    this.calls = [];
  }

  private routeStats(route: string): RouteStats {
    let s = this.byRoute.get(route);
    if (s === undefined) {
      s = { count: 0, batchSizes: [] };
      this.byRoute.set(route, s);
    }
    return s;
  }
}
