import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { Registry } from 'prom-client';
import type { IdentitySigner } from '../../../platform/identity/createIdentitySigner.js';
import { GATEWAY_IDENTITY_HEADER, GATEWAY_IDENTITY_TTL_S } from '../../../platform/identity/gatewayIdentity.js';
import { BoundedMap } from '../../../platform/store/BoundedMap.js';
import type { Logger } from '../../../platform/log/createLogger.js';
import { REQUEST_ID_HEADER } from '../../../platform/http/requestId.js';
import { remainingMs, REQUEST_DEADLINE_HEADER } from '../../../platform/http/requestDeadline.js';
import type { GatewayContext } from '../context.js';
import { isGraphQLError } from '../isGraphQLError.js';
import { subgraphMetrics, type SubgraphFetchOutcome, type SubgraphMetrics } from '../metrics/subgraphMetrics.js';
import { createSubgraphFetcher, type Fetcher, type SubgraphFetcher } from './createSubgraphFetcher.js';
import { InFlightFetches } from './InFlightFetches.js';
import { isQueryFetch } from './isQueryFetch.js';
import { sendSubgraphRequest } from './sendSubgraphRequest.js';
import { defaultSubgraphBreaker, SubgraphBreaker, type FetchOutcome, type SubgraphBreakerSettings } from './SubgraphBreaker.js';
import { SubgraphResponse } from './SubgraphResponse.js';
import { SubgraphUnavailableError, type SubgraphFailure } from './SubgraphUnavailableError.js';

type FetchResponse = Parameters<RemoteGraphQLDataSource['didEncounterError']>[2];
type ReceivedResponse = Parameters<NonNullable<RemoteGraphQLDataSource['didReceiveResponse']>>[0];
type GatewayResponse = ReceivedResponse['response'];
type ProcessOptions = GraphQLDataSourceProcessOptions<GatewayContext>;

export interface SubgraphDataSourceOptions {
  readonly name: string;
  readonly url: string;
  /** Longest any one fetch may take (ms), whatever budget its request has left. */
  readonly timeoutMs: number;
  /** This subgraph's breaker: consecutive failures that open it, their window, time open before a trial (ms). */
  readonly breaker?: SubgraphBreakerSettings;
  /** Keep-alive connections to this subgraph. */
  readonly connections: number;
  /** Used when a failure happens outside a request (no request-scoped logger). */
  readonly logger: Logger;
  /** Signs the `x-gateway-identity` of every client request, with this subgraph's name as audience; null = send none (development without a key). */
  readonly identity: IdentitySigner | null;
  /** Where its fetches (by outcome, with their duration) and its breaker's state are exported. */
  readonly metrics?: Registry;
  /** Identical query fetches in flight at once (same body, same caller identity) share one subgraph request; default true. */
  readonly dedupe?: boolean;
}

/** What one client fetch learnt on its way through Apollo's `process`. */
interface FetchCall {
  /** It shared another caller's fetch in flight instead of asking the subgraph itself. */
  follower: boolean;
}

const BODY_EXCERPT = 512;
// `GraphQLDataSourceRequestKind.INCOMING_OPERATION`; the enum is not exported from the package root.
const INCOMING_OPERATION = 'incoming operation';
// One request may fetch from the same subgraph several times (query plan steps): sign once, reuse while fresh.
const IDENTITY_REUSE_MS = (GATEWAY_IDENTITY_TTL_S * 1000) / 2;

/**
 * How the gateway talks to one subgraph: a keep-alive pool, the request id, the signed
 * caller identity and the request budget left (`x-request-deadline-ms`) forwarded, the
 * fetch failed when that budget runs out (through `fetcher`, capped at `timeoutMs`) or
 * aborted when its client goes, identical query fetches in flight merged into one, and
 * every transport failure turned into SERVICE_UNAVAILABLE with the details (URL, status,
 * body) logged, never returned. A fetch does not start when its request has no budget left
 * or its client has gone, or while this subgraph's breaker is open (consecutive timeouts,
 * connection failures, 5xx or unreadable answers open it). The subgraph request is built
 * from scratch: no client header reaches a subgraph.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  readonly name: string;
  private readonly pool: SubgraphFetcher;
  private readonly baseLogger: Logger;
  private readonly identity: IdentitySigner | null;
  /** Per caller (user and scopes; '' = anonymous): subgraphs remember verified tokens, so reuse saves both sides an ES256 operation. */
  private readonly identityTokens = new BoundedMap<string, { token: Promise<string>; signedAt: number }>(10_000);
  readonly breaker: SubgraphBreaker;
  private readonly metrics: SubgraphMetrics | undefined;
  /** Undefined: every fetch asks the subgraph (SUBGRAPH_DEDUPE=false). */
  private readonly inFlight: InFlightFetches | undefined;

  constructor(options: SubgraphDataSourceOptions) {
    const pool = createSubgraphFetcher({ url: options.url, timeoutMs: options.timeoutMs, connections: options.connections });
    // The fetcher in the config: Apollo's constructor then makes no make-fetch-happen fetcher of its own (scripts/patchDependencies.mjs).
    super({ url: options.url, fetcher: pool.fetcher });
    this.pool = pool;
    this.name = options.name;
    this.baseLogger = options.logger;
    this.identity = options.identity;
    this.inFlight = options.dedupe === false ? undefined : new InFlightFetches();
    this.breaker = new SubgraphBreaker({
      ...(options.breaker ?? defaultSubgraphBreaker),
      onStateChange: (state, previous) => {
        const level = state === 'open' ? 'warn' : 'info';
        this.baseLogger[level]({ subgraph: this.name, state, previous }, `subgraph breaker ${state}`);
      },
    });
    // The breaker's state is read at each scrape: it turns half-open by the clock, not by an event.
    const breaker = this.breaker;
    this.metrics = options.metrics && subgraphMetrics(options.metrics, options.name, () => breaker.state);
  }

  override async process(options: ProcessOptions): Promise<Awaited<ReturnType<RemoteGraphQLDataSource['process']>>> {
    const context = options.context as Partial<GatewayContext>;
    // Health checks and schema loads have no client request behind them: no budget, no breaker.
    if ((options.kind as string) !== INCOMING_OPERATION || typeof context.deadlineAt !== 'number') return super.process(options);
    if (context.signal?.aborted) this.refuse('cancelled', context);
    if (remainingMs(context.deadlineAt) < 1) this.refuse('no_budget', context);
    const permit = this.breaker.acquire();
    if (!permit) this.refuse('breaker_open', context);
    const startedAt = performance.now();
    let outcome: FetchOutcome = 'neutral';
    // Anything else thrown on the way (signing the identity, say) left the client without this subgraph too.
    let fetched: SubgraphFetchOutcome | undefined = 'unavailable';
    const call: FetchCall = { follower: false };
    try {
      // Apollo's own process, on a view of this source whose `fetcher` knows this fetch: its
      // client's signal, whether it may be shared, and where to say that it was.
      const view = Object.create(this) as this;
      view.fetcher = this.fetcherFor(context, this.inFlight !== undefined && isQueryFetch(options), call);
      const response = await RemoteGraphQLDataSource.prototype.process.call(view, options);
      outcome = 'success';
      fetched = 'ok';
      return response;
    } catch (err) {
      if (err instanceof SubgraphUnavailableError) {
        if (countsAgainstSubgraph(err)) outcome = 'failure';
        fetched = fetchOutcome(err.reason);
      }
      throw err;
    } finally {
      if (call.follower) {
        // The subgraph was asked once, by the leader: its fetch alone tells the breaker and the metrics how the subgraph did.
        this.breaker.record(permit, 'neutral');
      } else {
        this.breaker.record(permit, outcome);
        if (fetched) this.metrics?.fetched(fetched, (performance.now() - startedAt) / 1000);
      }
    }
  }

  /**
   * The fetcher of one client fetch. Unshared, it goes when its client goes. Shared, it is
   * keyed by everything that can change the answer: this subgraph (this source's own map and
   * URL), the exact body (query, operation name, variables) and the caller's signed identity
   * (anonymous callers share one); no client's leaving cancels it, since others may be waiting on it.
   * A follower shares the leader's failure, except a lost connection: that belongs to the
   * leader's socket (the replica behind a balancer that died holding it), not to the answer,
   * so a follower with budget left asks once more (shared again among those that do): a dead
   * replica fails only the requests it held itself.
   */
  private fetcherFor(context: Partial<GatewayContext>, shared: boolean, call: FetchCall): Fetcher {
    const pool = this.pool;
    const inFlight = this.inFlight;
    const metrics = this.metrics;
    return async (url, init) => {
      const limitMs = pool.limitOf(init?.headers);
      const body = init?.body;
      if (!shared || !inFlight || typeof body !== 'string') return new SubgraphResponse(await pool.send(url, init, limitMs, context.signal));
      const identity = init?.headers?.[GATEWAY_IDENTITY_HEADER] ?? '';
      // The URL is this source's own (one pool, one origin); a different one (never from Apollo) is never shared.
      if (url !== this.url) return new SubgraphResponse(await pool.send(url, init, limitMs, context.signal));
      const requestId = context.requestId ?? '';
      const deadlineAt = Date.now() + limitMs;
      const joined = inFlight.join(identity, body, { deadlineAt, requestId }, () => pool.send(url, init, limitMs));
      if (!joined.leader) {
        call.follower = true;
        // This request's id never reaches the subgraph: the leader's is the one in its logs.
        context.logger?.debug({ subgraph: this.name, sharedWith: joined.sharedWith }, 'subgraph fetch shared with an identical one in flight');
        // Counted when it joins, whatever the shared fetch's outcome (that is counted once, for the leader).
        metrics?.deduplicated();
      }
      try {
        return new SubgraphResponse(await joined.answer);
      } catch (err) {
        const leftMs = remainingMs(deadlineAt);
        if (joined.leader || !isConnectionLoss(err) || leftMs < 1) throw err;
        // Asked again with the budget now left; counted as a fetch of its own if it leads this one.
        const again = { ...init, headers: { ...init?.headers, [REQUEST_DEADLINE_HEADER]: String(leftMs) } };
        const retried = inFlight.join(identity, body, { deadlineAt: Date.now() + leftMs, requestId }, () => pool.send(url, again, leftMs));
        call.follower = !retried.leader;
        return new SubgraphResponse(await retried.answer);
      }
    };
  }

  override async willSendRequest(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<void> {
    // Health checks and schema loads run with `{}` as context: no request id, no caller to vouch for.
    const context = options.context as Partial<GatewayContext>;
    const headers = options.request.http?.headers;
    if (typeof context.requestId !== 'string' || !headers) return;
    headers.set(REQUEST_ID_HEADER, context.requestId);
    // Relative ms, so the subgraph's clock need not agree with ours; `fetcher` aborts at the same value.
    if (typeof context.deadlineAt === 'number') headers.set(REQUEST_DEADLINE_HEADER, String(remainingMs(context.deadlineAt)));
    if (this.identity) headers.set(GATEWAY_IDENTITY_HEADER, await this.identityFor(this.identity, context as GatewayContext));
  }

  /** The identity token of this request for this subgraph (anonymous ones too: the subgraph then knows the gateway sent it). */
  private identityFor(signer: IdentitySigner, context: GatewayContext): Promise<string> {
    const viewer = context.viewer;
    // JSON, not a join: a `sub` with a space in it must never share a key with another user's scopes.
    const key = viewer ? JSON.stringify([viewer.userId, viewer.scopes]) : '';
    const cached = this.identityTokens.get(key);
    if (cached && Date.now() - cached.signedAt < IDENTITY_REUSE_MS) return cached.token;
    const token = signer.sign({ viewer, audience: this.name });
    this.identityTokens.set(key, { token, signedAt: Date.now() });
    token.catch(() => this.identityTokens.delete(key));
    return token;
  }

  /** A 2xx that is not a GraphQL response is as useless to the client as no answer. */
  override didReceiveResponse({ response, context }: ReceivedResponse): GatewayResponse {
    const { data, errors } = response as { data?: unknown; errors?: unknown };
    const dataOk = data === undefined || data === null || (typeof data === 'object' && !Array.isArray(data));
    const errorsOk = errors === undefined || (Array.isArray(errors) && errors.every(isErrorShaped));
    if (!dataOk || !errorsOk || (data === undefined && errors === undefined)) {
      this.fail('bad_response', context, { body: excerpt(stripHttp(response)) });
    }
    for (const error of (errors as { extensions?: Record<string, unknown> }[] | undefined) ?? []) {
      // `extensions.http` would let a subgraph set the gateway's own HTTP status and headers.
      if (error.extensions && 'http' in error.extensions) delete error.extensions.http;
    }
    return response;
  }

  /** `_fetchRequest` is always undefined: sendSubgraphRequest builds no Request. */
  override didEncounterError(error: Error, _fetchRequest: unknown, fetchResponse?: FetchResponse, context?: GatewayContext): never {
    const status = fetchResponse?.status;
    // Aborted because its client went: says nothing about the subgraph, and nobody waits for it.
    if (context?.signal?.aborted && (error === context.signal.reason || isAbort(error))) {
      context.logger.debug({ subgraph: this.name, reason: 'cancelled' }, 'subgraph fetch abandoned: its client went');
      throw new SubgraphUnavailableError(this.name, 'cancelled');
    }
    const responseExt = isGraphQLError(error) ? (error.extensions.response as { body?: unknown } | undefined) : undefined;
    this.fail(classify(error, status), context, {
      status,
      cause: error.message,
      code: errorCode(error),
      body: responseExt?.body === undefined ? undefined : excerpt(responseExt.body),
    });
  }

  /** Closes the connection pool. */
  close(): Promise<void> {
    return this.pool.close();
  }

  private fail(reason: SubgraphFailure, context: Partial<GatewayContext> | undefined, details: Record<string, unknown>): never {
    const logger = context?.logger ?? this.baseLogger;
    logger.warn({ subgraph: this.name, url: this.url, reason, ...details }, 'subgraph fetch failed');
    throw new SubgraphUnavailableError(this.name, reason, typeof details.status === 'number' ? details.status : undefined);
  }

  /** A fetch not started: its fields fail at once. Expected while a budget or breaker does its job, so not a warning. */
  private refuse(reason: SubgraphFailure, context: Partial<GatewayContext>): never {
    (context.logger ?? this.baseLogger).debug({ subgraph: this.name, reason }, 'subgraph fetch not started');
    const outcome = fetchOutcome(reason);
    if (outcome) this.metrics?.refused(outcome);
    throw new SubgraphUnavailableError(this.name, reason);
  }
}

// Apollo's `sendRequest` is private in its typings, so it is replaced here rather than overridden in the class.
Object.defineProperty(SubgraphDataSource.prototype, 'sendRequest', { value: sendSubgraphRequest, writable: true, configurable: true });

/** What says the subgraph itself is unwell: no answer in time, no connection, a 5xx, an unreadable answer. */
function countsAgainstSubgraph(err: SubgraphUnavailableError): boolean {
  if (err.reason === 'status') return err.status !== undefined && err.status >= 500;
  return err.reason === 'timeout' || err.reason === 'connection' || err.reason === 'bad_response';
}

/**
 * A failure as the metrics count it. A fetch the spent budget kept from starting is
 * `no_budget`, not a timeout: the subgraph was never asked, so nothing says it was slow (the
 * time went on whatever ran before it). One whose client had gone says nothing about the
 * subgraph either and is not counted.
 */
function fetchOutcome(reason: SubgraphFailure): SubgraphFetchOutcome | undefined {
  switch (reason) {
    case 'timeout':
      return 'timeout';
    case 'no_budget':
      return 'no_budget';
    case 'breaker_open':
      return 'breaker_open';
    case 'connection':
    case 'status':
    case 'bad_response':
      return 'unavailable';
    case 'cancelled':
      return undefined;
  }
}

/** A connection refused, reset or closed under a fetch: its socket's fate, not the answer's. */
const CONNECTION_LOSS_CODES: ReadonlySet<string> = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'UND_ERR_SOCKET']);

function isConnectionLoss(err: unknown): boolean {
  const code = err instanceof Error ? errorCode(err) : undefined;
  return code !== undefined && CONNECTION_LOSS_CODES.has(code);
}

/** undici's codes for "no answer in time" (headers, then each pause in the body); a connect that timed out is `connection`. */
const TIMEOUT_CODES: ReadonlySet<string> = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

function classify(error: Error, status: number | undefined): SubgraphFailure {
  const code = errorCode(error);
  if (isAbort(error) || (code !== undefined && TIMEOUT_CODES.has(code))) return 'timeout';
  if (status !== undefined && (status < 200 || status > 299)) return 'status';
  if (code !== undefined) return 'connection';
  return 'bad_response';
}

function isAbort(error: Error): boolean {
  return error.name === 'AbortError' || errorCode(error) === 'UND_ERR_ABORTED';
}

/**
 * The failure's code: undici hands the dispatch its own errors (UND_ERR_*) and the socket's
 * (ECONNREFUSED, …) as they are; one wrapped in another error is read from its `cause`.
 */
function errorCode(error: Error): string | undefined {
  const own = (error as { code?: unknown }).code;
  if (typeof own === 'string') return own;
  const cause = (error as { cause?: { code?: unknown } }).cause;
  if (cause && typeof cause.code === 'string') return cause.code;
  return undefined;
}

function isErrorShaped(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as { message?: unknown }).message === 'string';
}

function stripHttp(response: GatewayResponse): unknown {
  const { http: _http, ...rest } = response;
  return rest;
}

function excerpt(body: unknown): string {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return text.length > BODY_EXCERPT ? `${text.slice(0, BODY_EXCERPT)}…` : text;
}
