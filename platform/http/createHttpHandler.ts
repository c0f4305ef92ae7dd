import type { IncomingMessage, ServerResponse } from 'node:http';
import { setMaxListeners } from 'node:events';
import { HeaderMap, type ApolloServer, type BaseContext, type HTTPGraphQLResponse } from '@apollo/server';
import type { Viewer } from '../identity/Viewer.js';
import { errorCodes, type ErrorCode } from '../errors/errorCodes.js';
import type { Logger } from '../log/createLogger.js';
import { HttpRefusal } from './HttpRefusal.js';
import { BodyTooLargeError, ClientGoneError, readBody } from './readBody.js';
import { REQUEST_ID_HEADER, resolveRequestId } from './requestId.js';
import { serverRequestTracer, type TraceContextMode } from '../tracing/serverRequestTracer.js';

export interface RequestInfo {
  readonly req: IncomingMessage;
  readonly requestId: string;
  /** What `authenticate` returned; null (anonymous) without that hook. */
  readonly viewer: Viewer | null;
  /** When the handler first saw the request (`Date.now()`), before auth or the body: where a request budget starts. */
  readonly receivedAt: number;
  /** Aborts when the client goes away (connection closed) before its answer was sent: work for it need not start. */
  readonly signal: AbortSignal;
}

/**
 * Who is calling, decided once per HTTP request before Apollo runs: a viewer, null for
 * anonymous, or an `HttpRefusal` thrown to answer at once (401, 503, …).
 */
export type Authenticate = (info: { readonly req: IncomingMessage; readonly requestId: string }) => Promise<Viewer | null>;

/**
 * Admission control of GraphQL requests (rate limits, batch shape), before Apollo runs.
 * Either hook throws an `HttpRefusal` to answer at once (400, 429, …).
 */
export interface Admission {
  /** Every GraphQL HTTP request, before `authenticate` and before the body is read; every request an admitted route takes, too. */
  request?(info: { readonly req: IncomingMessage; readonly requestId: string; readonly receivedAt: number }): Promise<void>;
  /** After `authenticate`, once the body is parsed (a JSON array is a batch), before Apollo. */
  operations?(info: {
    readonly req: IncomingMessage;
    readonly requestId: string;
    readonly receivedAt: number;
    readonly viewer: Viewer | null;
    readonly body: unknown;
  }): Promise<void>;
}

/** A route outside GraphQL (health, a page). Return false to fall through to 404. */
export type ExtraRoute = (req: IncomingMessage, res: ServerResponse, requestId: string) => boolean | Promise<boolean>;

/**
 * A route that answers for itself but is admitted as a GraphQL request is first: ready (else
 * 503), then `admission.request` (rate limits: else its refusal); never `authenticate`, and
 * its body is never read. On any path, the GraphQL path included (a browser's page there).
 * It looks at the request line and headers only (nothing is counted yet) and returns how it
 * answers the request once admitted, or undefined when it does not take it.
 */
export type AdmittedRoute = (req: IncomingMessage, url: URL) => AdmittedAnswer | undefined;

/** Answers an admitted request. An `HttpRefusal` it throws is answered as the hooks' are. */
export type AdmittedAnswer = (res: ServerResponse, requestId: string) => Promise<void>;

export interface HttpHandlerOptions<TContext extends BaseContext> {
  readonly apollo: ApolloServer<TContext>;
  readonly context: (info: RequestInfo) => Promise<TContext>;
  /** Ready to serve GraphQL (schema loaded, not draining). Drives `/readyz`. */
  readonly isReady: () => boolean;
  readonly logger: Logger;
  /** Largest request body accepted. Default 1 MiB. */
  readonly maxBodyBytes?: number;
  /** Default '/graphql'. */
  readonly graphqlPath?: string;
  readonly routes?: readonly ExtraRoute[];
  /** Tried in order, before GraphQL and `routes`; see `AdmittedRoute`. */
  readonly admittedRoutes?: readonly AdmittedRoute[];
  /** Runs for GraphQL requests only (not health or extra routes), after the request id, before the body is read. */
  readonly authenticate?: Authenticate;
  /** Runs for GraphQL requests (and `request` for admitted routes); see `Admission`. */
  readonly admission?: Admission;
  /**
   * Which service this is (`gateway`, a subgraph's name): set, each GraphQL request is a
   * SERVER span of that tracer, with `app.service`, when tracing is registered. Health,
   * metrics and extra or admitted routes are not traced (probes and scrapes would drown the requests).
   */
  readonly service?: string;
  /**
   * What a caller's `traceparent` makes of that span (see TraceContextMode). Default
   * `continue`, for services whose callers are ours (a subgraph behind the gateway); a
   * service that faces the public sets `link`.
   */
  readonly traceContext?: TraceContextMode;
}

export type HttpHandler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Adapts node:http to Apollo Server: request id in and out, body limit, health
 * (`/healthz` liveness, `/readyz` readiness) and JSON errors in GraphQL shape for
 * requests that never reach Apollo. Used by the gateway and every subgraph.
 */
export function createHttpHandler<TContext extends BaseContext>(options: HttpHandlerOptions<TContext>): HttpHandler {
  const graphqlPath = options.graphqlPath ?? '/graphql';
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const tracer = options.service === undefined ? undefined : serverRequestTracer({ service: options.service, route: graphqlPath, traceContext: options.traceContext });

  return (req, res) => {
    const receivedAt = Date.now();
    const requestId = resolveRequestId(req.headers[REQUEST_ID_HEADER]);
    res.setHeader(REQUEST_ID_HEADER, requestId);
    handle(req, res, requestId, receivedAt).catch((err: unknown) => {
      options.logger.error({ err, requestId }, 'unhandled error in HTTP handler');
      if (!res.headersSent) sendError(res, 500, 'INTERNAL_SERVER_ERROR', requestId);
      else res.destroy();
    });
  };

  async function handle(req: IncomingMessage, res: ServerResponse, requestId: string, receivedAt: number): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/healthz') return sendJson(res, 200, { status: 'ok' });
    if (url.pathname === '/readyz') {
      const ready = options.isReady();
      return sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready' });
    }
    for (const route of options.admittedRoutes ?? []) {
      const answer = route(req, url);
      if (answer !== undefined) return serveAdmitted(answer, req, res, requestId, receivedAt);
    }
    if (url.pathname !== graphqlPath) {
      for (const route of options.routes ?? []) {
        if (await route(req, res, requestId)) return;
      }
      return sendError(res, 404, 'NOT_FOUND', requestId, `No route for ${req.method ?? 'GET'} ${url.pathname}.`);
    }
    // Everything after this (admission, auth, Apollo, the fetches it makes) runs inside the request's span.
    if (tracer === undefined) return serveGraphQL(req, res, requestId, receivedAt, url);
    return tracer.trace(req, res, requestId, () => serveGraphQL(req, res, requestId, receivedAt, url));
  }

  /** Ready to serve, else answered with 503 (GraphQL requests and admitted routes alike). */
  function ready(res: ServerResponse, requestId: string): boolean {
    if (options.isReady()) return true;
    res.setHeader('retry-after', '1');
    sendError(res, 503, 'SERVICE_UNAVAILABLE', requestId);
    return false;
  }

  /** `admission.request` (rate limits), else answered with its refusal. */
  async function admitted(req: IncomingMessage, res: ServerResponse, requestId: string, receivedAt: number): Promise<boolean> {
    const admitRequest = options.admission?.request;
    return !admitRequest || (await orRefusal(() => admitRequest({ req, requestId, receivedAt }), res, requestId)) !== REFUSED;
  }

  async function serveAdmitted(answer: AdmittedAnswer, req: IncomingMessage, res: ServerResponse, requestId: string, receivedAt: number): Promise<void> {
    if (!ready(res, requestId) || !(await admitted(req, res, requestId, receivedAt))) return;
    await orRefusal(() => answer(res, requestId), res, requestId);
  }

  async function serveGraphQL(req: IncomingMessage, res: ServerResponse, requestId: string, receivedAt: number, url: URL): Promise<void> {
    if (!ready(res, requestId)) return;

    // The client is gone when the connection closes, or when it half-closes (an HTTP client never
    // does while it waits for an answer) before the answer was sent.
    const callerGone = new AbortController();
    // One listener per fetch or vendor call in flight for this request, each removed when it
    // settles: a query plan may well hold more than Node's warning threshold of 10 (the
    // federation benchmark's query holds 16), which is no leak.
    setMaxListeners(0, callerGone.signal);
    const onGone = () => {
      if (!res.writableFinished) callerGone.abort(new Error('the client closed the connection before the answer was sent'));
    };
    res.once('close', onGone);
    req.socket.once('end', onGone);
    res.once('close', () => req.socket.off('end', onGone));

    if (!(await admitted(req, res, requestId, receivedAt))) return;

    const admitOperations = options.admission?.operations;
    const authenticate = options.authenticate;
    const viewer = authenticate ? await orRefusal(() => authenticate({ req, requestId }), res, requestId) : null;
    if (viewer === REFUSED) return;

    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }

    let body: unknown = undefined;
    if (req.method === 'POST') {
      let raw: string;
      try {
        raw = await readBody(req, maxBodyBytes);
      } catch (err) {
        if (err instanceof BodyTooLargeError) {
          res.setHeader('connection', 'close');
          return sendError(res, 413, 'PAYLOAD_TOO_LARGE', requestId, `Request body is larger than the limit of ${maxBodyBytes} bytes.`);
        }
        // Flaky mobile networks do this all day: worth a line, not an alarm.
        if (err instanceof ClientGoneError) return options.logger.info({ requestId, status: 499 }, 'client went away before sending its whole request');
        throw err;
      }
      const contentType = headers.get('content-type') ?? '';
      if (contentType.includes('json')) {
        try {
          body = raw.length === 0 ? undefined : JSON.parse(raw);
        } catch {
          return sendError(res, 400, 'BAD_REQUEST', requestId, 'Request body is not valid JSON.');
        }
      } else {
        body = raw;
      }
    }

    if (admitOperations && (await orRefusal(() => admitOperations({ req, requestId, receivedAt, viewer, body }), res, requestId)) === REFUSED) return;

    // Nobody is left to read the answer (e.g. a gateway that gave up on this fetch): do not start the
    // work. One turn of the event loop first, so that a close already waiting in the socket is seen:
    // a process resumed after a freeze reads each backlog request and its connection's end together.
    await new Promise((resolve) => setImmediate(resolve));
    if (callerGone.signal.aborted) return;

    const response = await options.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: (req.method ?? 'GET').toUpperCase(), headers, search: url.search, body },
      context: () => options.context({ req, requestId, viewer, receivedAt, signal: callerGone.signal }),
    });
    await writeResponse(res, response);
  }
}

async function writeResponse(res: ServerResponse, response: HTTPGraphQLResponse): Promise<void> {
  for (const [key, value] of response.headers) res.setHeader(key, value);
  res.statusCode = response.status ?? 200;
  if (response.body.kind === 'complete') {
    // Encoded once, here. Handed a string, node would measure it for Content-Length (flattening
    // the rope JSON.stringify builds), then join the head to it and flatten that copy too: one
    // heap copy of every answer less (180 KB of the 3.7 MB the gateway allocated per federated query).
    res.end(Buffer.from(response.body.string, 'utf8'));
    return;
  }
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.end(JSON.stringify(value));
}

/** A GraphQL-shaped error for requests refused before execution. */
function sendError(
  res: ServerResponse,
  status: number,
  code: ErrorCode,
  requestId: string,
  message?: string,
  extensions: Readonly<Record<string, string | number>> = {},
): void {
  sendJson(res, status, {
    errors: [{ message: message ?? errorCodes[code].message, extensions: { ...extensions, code, requestId } }],
  });
}

const REFUSED = Symbol('refused');

/**
 * Runs a hook that may refuse the request before Apollo: its result, or REFUSED once its
 * `HttpRefusal` has been sent as the answer. Anything else it throws is a bug: it propagates (500).
 */
async function orRefusal<T>(hook: () => Promise<T>, res: ServerResponse, requestId: string): Promise<T | typeof REFUSED> {
  try {
    return await hook();
  } catch (err) {
    if (!(err instanceof HttpRefusal)) throw err;
    for (const [key, value] of Object.entries(err.headers)) res.setHeader(key, value);
    sendError(res, err.status, err.code, requestId, err.message, err.extensions);
    return REFUSED;
  }
}
