import { Agent, request } from 'undici';

export type Outcome = 'full' | 'partial' | '5xx' | 'other' | 'transport';

/** One operation as the client saw it; times are `performance.now()` of this process. */
export interface LoadRecord {
  readonly startedAt: number;
  readonly endedAt: number;
  readonly outcome: Outcome;
  /** Its first attempt was cut (connection reset) and it was sent once more, as a mobile client retries an idempotent query. */
  readonly retried: boolean;
  /** Error codes of a partial answer, or the transport error. */
  readonly errors: readonly string[];
}

export interface LoadOptions {
  /** The gateways' balancer (…/graphql). */
  readonly url: string;
  readonly body: string;
  /** Concurrent clients, each sending one request at a time. */
  readonly clients: number;
  /** Pause between two requests of one client (ms): a phone's user reads the screen. */
  readonly thinkMs: number;
  /** Hard bounds: the load stops at whichever comes first (or at `stop()`). */
  readonly maxRequests: number;
  readonly maxMs: number;
}

export interface Load {
  readonly records: readonly LoadRecord[];
  /** Resolves once `predicate(records)` holds; rejects if the load ends first or after `timeoutMs`. */
  until(what: string, predicate: (records: readonly LoadRecord[]) => boolean, timeoutMs?: number): Promise<void>;
  /** Stops sending, waits for the requests in flight, closes the connections. */
  stop(): Promise<void>;
}

// A connection cut under the request: what a phone sees when the server it was talking to dies.
const CUT = new Set(['ECONNRESET', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'EPIPE']);

/**
 * Steady home-screen load: `clients` phones, each sending the operation, reading the
 * answer, pausing `thinkMs`, again; keep-alive connections to the balancer. Every request
 * comes from an address of its own (x-forwarded-for, one trusted hop) so that per-address
 * rate limits never refuse the load. A request whose connection is cut is sent once more
 * (queries are idempotent; mobile clients do that) and marked `retried`; a second cut is a
 * transport error.
 */
export function startHomeScreenLoad(options: LoadOptions): Load {
  const agent = new Agent({ keepAliveTimeout: 4_000, connections: options.clients, headersTimeout: 30_000, bodyTimeout: 30_000 });
  const records: LoadRecord[] = [];
  const t0 = performance.now();
  let sent = 0;
  let stopped = false;
  let address = 0;
  const waiters = new Set<() => void>();
  const notify = () => waiters.forEach((w) => w());

  const attempt = async (xff: string) => {
    const res = await request(options.url, {
      method: 'POST',
      dispatcher: agent,
      headers: { 'content-type': 'application/json', 'x-forwarded-for': xff },
      body: options.body,
    });
    const text = await res.body.text();
    return { status: res.statusCode, text };
  };

  const one = async () => {
    const n = ++address;
    const xff = `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
    const startedAt = performance.now();
    let retried = false;
    let outcome: Outcome;
    let errors: string[] = [];
    for (;;) {
      try {
        const res = await attempt(xff);
        if (res.status >= 500) outcome = '5xx';
        else if (res.status !== 200) outcome = 'other';
        else {
          const json = JSON.parse(res.text) as { data?: unknown; errors?: { message?: string; path?: unknown[]; extensions?: { code?: string } }[] };
          errors = (json.errors ?? []).map((e) => `${e.extensions?.code ?? 'NO_CODE'} at ${(e.path ?? []).join('.')}: ${e.message ?? ''}`.slice(0, 160));
          outcome = errors.length === 0 && json.data !== null && json.data !== undefined ? 'full' : 'partial';
        }
        if (outcome !== 'full') errors = errors.length > 0 ? errors : [res.text.slice(0, 200)];
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? (err as Error).name;
        if (CUT.has(code) && !retried) {
          retried = true;
          continue;
        }
        outcome = 'transport';
        errors = [`${code}: ${(err as Error).message}`];
      }
      break;
    }
    records.push({ startedAt, endedAt: performance.now(), outcome, retried, errors });
    notify();
  };

  const running = Array.from({ length: options.clients }, async () => {
    while (!stopped && sent < options.maxRequests && performance.now() - t0 < options.maxMs) {
      sent++;
      await one();
      await new Promise((r) => setTimeout(r, options.thinkMs));
    }
  });
  const finished = Promise.all(running).then(() => {
    stopped = true;
    notify();
  });

  return {
    records,
    until(what, predicate, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (predicate(records)) return done(resolve);
          if (stopped) return done(() => reject(new Error(`the load ended (${records.length} requests) before ${what}`)));
        };
        const timer = setTimeout(() => done(() => reject(new Error(`${what}: not within ${timeoutMs} ms (${records.length} requests so far)`))), timeoutMs);
        const done = (then: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          then();
        };
        waiters.add(check);
        check();
      });
    },
    async stop() {
      stopped = true;
      await finished;
      await agent.close();
    },
  };
}
