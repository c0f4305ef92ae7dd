import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { LoadRecord, Outcome } from './homeScreenLoad.js';

/** One replica stopped under load. Times are `performance.now()` of this process. */
export interface StopEvent {
  readonly target: string;
  readonly signal: 'SIGKILL' | 'SIGTERM';
  /** The signal was sent. */
  readonly at: number;
  /** Its exit was seen. */
  readonly exitedAt: number;
  readonly exit: { readonly code: number | null; readonly signal: string | null };
  /** Requests its balancer had open to it when the signal was sent. */
  readonly openAtSignal: number;
  /** Requests its balancer handed to it between the signal and the exit (the kernel may still accept while the process dies). */
  readonly handedUntilExit: number;
}

export interface StopFigures extends StopEvent {
  /** Answers with errors among the requests it caught. */
  readonly partialInFlight: number;
  /** Requests it caught that were cut and sent once more. */
  readonly retriedInFlight: number;
  /** From the signal to the end of the first full answer to a request started after it (ms). */
  readonly msToFirstFullAfter: number | null;
}

/**
 * A request the stop may have caught: in flight at some moment between the signal and the
 * exit (a process takes a moment to die, during which its balancer may still hand it work).
 */
const caughtBy = (r: LoadRecord, e: StopEvent): boolean => r.startedAt <= e.exitedAt && r.endedAt >= e.at;

/** What each stop cost the clients: the degraded answers and the retries among the requests it caught in flight. */
export function stopFigures(records: readonly LoadRecord[], events: readonly StopEvent[]): StopFigures[] {
  return events.map((e) => {
    const caught = records.filter((r) => caughtBy(r, e));
    const firstFull = records.filter((r) => r.outcome === 'full' && r.startedAt > e.at).reduce((min, r) => Math.min(min, r.endedAt), Infinity);
    return {
      ...e,
      partialInFlight: caught.filter((r) => r.outcome === 'partial').length,
      retriedInFlight: caught.filter((r) => r.retried).length,
      msToFirstFullAfter: Number.isFinite(firstFull) ? Math.round(firstFull - e.at) : null,
    };
  });
}

/** Degraded or retried requests that no SIGKILL caught: none may exist. */
export function unexplained(records: readonly LoadRecord[], events: readonly StopEvent[]): LoadRecord[] {
  const kills = events.filter((e) => e.signal === 'SIGKILL');
  return records.filter((r) => (r.outcome === 'partial' || r.retried) && !kills.some((e) => caughtBy(r, e)));
}

export function countOutcomes(records: readonly LoadRecord[]): Record<Outcome | 'retried' | 'requests', number> {
  const counts = { requests: records.length, full: 0, partial: 0, '5xx': 0, other: 0, transport: 0, retried: 0 };
  for (const r of records) {
    counts[r.outcome]++;
    if (r.retried) counts.retried++;
  }
  return counts;
}

/** A compact table for the test log: one line per row, columns padded. */
export function table(rows: readonly (readonly (string | number | null)[])[]): string {
  const cells = rows.map((row) => row.map((c) => (c === null ? '-' : String(c))));
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((row) => row[i]?.length ?? 0)));
  return cells.map((row) => row.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

export function writeFigures(path: string, figures: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(figures, null, 2)}\n`);
}
