import type { IncomingHttpHeaders } from 'node:http';

/** One scripted answer: consumed by the next authenticated API request, in order. */
export interface ScriptEntry {
  status: number;
  /** Sent as `Retry-After` (whole seconds) when set. */
  retryAfterS?: number;
  /** JSON body; a branded error body when omitted (and the status is 4xx/5xx). */
  body?: unknown;
}

/** A fixed-window request budget per API key. */
export interface RateLimit {
  limit: number;
  windowMs: number;
}

export interface Faults {
  /** Time from a request's arrival to its answer (ms); see createVendorServer. */
  latencyMs: number;
  /** Plus a uniform random 0..jitterMs (ms). */
  jitterMs: number;
  /** 0..1 probability of a 500 with a branded error body. */
  errorRate: number;
  /** Accept the request and never answer it. `close()` destroys such sockets. */
  hang: boolean;
  /** Answer 503 at once with a load balancer's HTML page, no `Retry-After`. */
  outage: boolean;
  /** Per API key; over it → 429 with `Retry-After`. `null` = unlimited. */
  rateLimit: RateLimit | null;
  /** Queue of canned answers, consumed first-in first-out. */
  script: ScriptEntry[];
}

export interface CallRecord {
  method: string;
  /** The route pattern, e.g. `GET /v1/products/batch`; `GET (no route)` when none matched. */
  route: string;
  path: string;
  /** Number of ids in a batch request (as sent, before de-duplication); null otherwise. */
  batchSize: number | null;
  /** The request's `x-request-id` header. */
  requestId: string | null;
  /** Status answered; 0 while unanswered (in flight, or hung). */
  status: number;
  /** Arrival time (epoch ms). */
  at: number;
}

export interface RouteStats {
  count: number;
  batchSizes: number[];
}

export interface VendorStats {
  total: number;
  byRoute: Record<string, RouteStats>;
  /** The last 1000 calls, oldest first. */
  calls: CallRecord[];
}

export interface VendorControl {
  /** Merges `partial` into the current faults (validated; throws TypeError) and returns them. */
  setFaults(partial: Partial<Faults>): Faults;
  /** Back to this vendor's defaults. */
  resetFaults(): Faults;
  faults(): Faults;
  stats(): VendorStats;
  resetStats(): void;
}

export interface RunningVendor {
  /** 'commerce' | 'reviews' | 'identity' */
  readonly name: string;
  /** The fake third party's brand, e.g. 'ShopCore'; must never reach a GraphQL client. */
  readonly brand: string;
  /** e.g. 'http://127.0.0.1:4101' */
  readonly url: string;
  readonly port: number;
  readonly apiKey: string;
  /** The headers that authenticate a request to this vendor. */
  readonly authHeaders: Readonly<Record<string, string>>;
  readonly control: VendorControl;
  /** Stops listening and destroys every open socket (hung or keep-alive); idempotent. */
  close(): Promise<void>;
}

/** How a vendor authenticates API requests. */
export type AuthScheme = { kind: 'header'; header: string } | { kind: 'bearer' };

/** A request body as the router saw it. */
export type RequestBody = { kind: 'none' } | { kind: 'json'; value: unknown } | { kind: 'invalid'; reason: string };

export interface RouteRequest {
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: RequestBody;
  /**
   * The body's fields when it was sent as `application/x-www-form-urlencoded` (OAuth
   * endpoints take forms), else null. `body` is still the JSON attempt, as before.
   */
  readonly form: URLSearchParams | null;
  /** The (valid) API key the caller presented; '' on public routes. */
  readonly apiKey: string;
}

export interface RouteResponse {
  status: number;
  /** Sent as JSON, unless `text` is set. */
  body?: unknown;
  /** Sent as is, with `headers['content-type']` (default text/plain): HTML pages, empty redirect bodies. */
  text?: string;
  headers?: Record<string, string>;
}

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path with `:name` segments, e.g. `/v1/products/:id`. Earlier routes win. */
  pattern: string;
  /**
   * No API key needed (OAuth and discovery endpoints). Still recorded and subject to faults;
   * rate limits count per client address instead of per key.
   */
  public?: boolean;
  /** Ids in a batch request, for the counters; omitted for non-batch routes. */
  batchSize?: (req: Pick<RouteRequest, 'query' | 'body'>) => number | null;
  /**
   * A POST that only reads (a batch lookup whose ids travel in the body): its work is done
   * during the latency wait, as a GET's is. Other POSTs, PUTs, PATCHes and DELETEs run after it.
   */
  reads?: boolean;
  handle(req: RouteRequest): RouteResponse | Promise<RouteResponse>;
}

/** Everything that makes one vendor different from another. */
export interface VendorDefinition {
  name: string;
  brand: string;
  /** The vendor's internal host name, leaked into its error bodies on purpose. */
  internalHost: string;
  auth: AuthScheme;
  routes: readonly Route[];
  /** Extra control endpoints of this vendor under `/__sandbox/…` (no key, never counted). */
  controlRoutes?: readonly ControlRoute[];
}

/** What a control endpoint is given: the request's JSON body (undefined when empty) and query. */
export interface ControlRequest {
  readonly body: unknown;
  readonly query: URLSearchParams;
}

/**
 * A vendor-specific control endpoint, e.g. `POST /__sandbox/keys/rotate`; answers 200 with the
 * JSON it returns (or resolves to). A refusal is thrown as a `VendorHttpError`, which answers
 * its status with the control error shape `{ error: { type, message, …details } }`.
 */
export interface ControlRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Full path, starting with `/__sandbox/`. */
  path: string;
  handle(req: ControlRequest): unknown;
}

export interface VendorServerOptions {
  apiKey: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (ephemeral). */
  port?: number;
  /** Faults this vendor starts with and returns to on reset (merged over the neutral defaults). */
  defaultFaults?: Partial<Faults>;
  /** Seed of the PRNG behind jitter and errorRate. */
  seed?: number;
}
