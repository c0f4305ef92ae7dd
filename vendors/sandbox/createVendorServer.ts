import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { createBranding } from './branding.js';
import { CallRecorder } from './CallRecorder.js';
import { authHeadersFor, checkAuth } from './checkAuth.js';
import { FaultController } from './FaultController.js';
import { CONTROL_PREFIX, handleControl } from './handleControl.js';
import { BodyTooLargeError, JSON_CONTENT_TYPE, parseJson, readBody, send, sendJson, sendText, TEXT_CONTENT_TYPE } from './json.js';
import { createRouteTable, type RouteMatch } from './routeTable.js';
import type { RequestBody, Route, RunningVendor, VendorControl, VendorDefinition, VendorServerOptions } from './types.js';
import { VendorHttpError } from './VendorHttpError.js';

/** Longer than any client pool's idle timeout, so the client, not us, decides when to drop a connection. */
const KEEP_ALIVE_TIMEOUT_MS = 30_000;

const headerValue = (v: string | string[] | undefined): string | null => (typeof v === 'string' ? v.slice(0, 200) : null);
const FORM_CONTENT_TYPE = /^application\/x-www-form-urlencoded\s*(;|$)/i;

/**
 * Wraps a vendor's routes in what every sandbox vendor shares: counters, auth, faults,
 * branded errors and the control surface. Processing order for an API request:
 * record → auth → script → outage → hang → rate limit → latency+jitter → errorRate → route.
 */
export async function createVendorServer(def: VendorDefinition, options: VendorServerOptions): Promise<RunningVendor> {
  if (options.apiKey.length === 0) throw new TypeError(`${def.name}: apiKey must not be empty`);
  const faults = new FaultController(options.defaultFaults, options.seed);
  const recorder = new CallRecorder();
  const table = createRouteTable(def.routes);
  const brand = createBranding(def);
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();
  let closing: Promise<void> | null = null;

  const control: VendorControl = {
    setFaults: (partial) => faults.set(partial),
    resetFaults: () => faults.reset(),
    faults: () => faults.get(),
    stats: () => recorder.stats(),
    resetStats: () => recorder.reset(),
  };

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL, arrivedAt: number): Promise<void> {
    const method = req.method ?? 'GET';
    const match = table.match(method, url.pathname);
    const record = recorder.begin({
      method,
      route: match.kind === 'found' ? `${method} ${match.route.pattern}` : `${method} (no route)`,
      path: url.pathname,
      requestId: headerValue(req.headers['x-request-id']),
      at: Date.now(),
    });
    const echo: Record<string, string> = record.requestId === null ? {} : { 'x-request-id': record.requestId };
    const answer = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      recorder.finish(record, status);
      sendJson(res, status, body, { ...brand.headers, ...echo, ...headers });
    };

    const read = await readRequestBody(req, method);
    if (read === 'tooLarge') return answer(413, brand.statusBody(413, 'request body larger than 1 MiB'), { connection: 'close' });
    if (read === 'aborted') return;
    const { body, form } = read;
    if (match.kind === 'found' && match.route.batchSize) recorder.setBatchSize(record, safeBatchSize(match.route.batchSize, url, body));

    const isPublic = match.kind === 'found' && match.route.public === true;
    const apiKey = isPublic ? '' : checkAuth(def.auth, req.headers, options.apiKey);
    if (apiKey === null) {
      const challenge: Record<string, string> = def.auth.kind === 'bearer' ? { 'www-authenticate': `Bearer realm="${def.brand}"` } : {};
      return answer(401, brand.errorBody('unauthorized', 'missing or invalid API key'), challenge);
    }

    const scripted = faults.takeScript();
    if (scripted !== undefined && (scripted.body !== undefined || scripted.status >= 300)) {
      const retry: Record<string, string> = scripted.retryAfterS === undefined ? {} : { 'retry-after': String(scripted.retryAfterS) };
      return answer(scripted.status, scripted.body ?? brand.statusBody(scripted.status, 'scripted failure'), retry);
    }
    // A 2xx script entry without a body just lets this request through.

    const current = faults.get();
    if (current.outage) {
      recorder.finish(record, 503);
      sendText(res, 503, brand.outagePage(), { ...brand.headers, 'content-type': 'text/html' });
      return;
    }
    if (current.hang) return; // answered never; close() destroys the socket

    const decision = faults.rateLimit(isPublic ? `public ${req.socket.remoteAddress ?? ''}` : apiKey, Date.now());
    const limitHeaders: Record<string, string> = {};
    if (decision !== null && current.rateLimit !== null) {
      limitHeaders['x-ratelimit-limit'] = String(current.rateLimit.limit);
      if (!decision.allowed) {
        return answer(
          429,
          brand.errorBody('rate_limited', `rate limit of ${current.rateLimit.limit} requests per ${current.rateLimit.windowMs} ms exceeded for this API key`),
          { ...limitHeaders, 'x-ratelimit-remaining': '0', 'retry-after': String(decision.retryAfterS) },
        );
      }
      limitHeaders['x-ratelimit-remaining'] = String(decision.remaining);
    }

    const delay = faults.delayMs();
    // The latency is the vendor's whole time, as its caller measures it: an answer leaves
    // `delay` ms after its request arrived. A read's work, its answer's serialization
    // included, is done during the wait (after the timer is set: libuv dates a timer from
    // the loop's time, which work done first makes stale, and the answer early). A write
    // still runs after the wait, so that a caller who gave up meanwhile has changed nothing.
    const wait = arrivedAt + delay - performance.now();
    const waited = wait > 0 ? sleep(wait) : undefined;
    const prepare = async (found: Found): Promise<Prepared> => {
      const headers = { ...brand.headers, ...echo, ...limitHeaders };
      try {
        const result = await found.route.handle({ params: found.params, query: url.searchParams, headers: req.headers, body, form, apiKey });
        return result.text === undefined
          ? { status: result.status, payload: JSON.stringify(result.body), headers: { 'content-type': JSON_CONTENT_TYPE, ...headers, ...result.headers } }
          : { status: result.status, payload: result.text, headers: { 'content-type': TEXT_CONTENT_TYPE, ...headers, ...result.headers } };
      } catch (err) {
        const [status, errorBody] = err instanceof VendorHttpError ? [err.status, brand.errorBody(err.type, err.message, err.details)] : [500, brand.internalErrorBody()];
        return { status, payload: JSON.stringify(errorBody), headers: { 'content-type': JSON_CONTENT_TYPE, ...headers } };
      }
    };
    const reads = method === 'GET' || method === 'HEAD' || (match.kind === 'found' && match.route.reads === true);
    // `prepare` never rejects: a route that throws meanwhile is answered after the wait like any other.
    const early = match.kind === 'found' && waited !== undefined && reads ? prepare(match) : undefined;
    await waited;
    if (closing !== null || res.destroyed) return;
    if (faults.shouldFail()) return answer(500, brand.internalErrorBody(), limitHeaders);

    if (match.kind === 'badPath') return answer(400, brand.errorBody('invalid_request', 'malformed percent-encoding in path'));
    if (match.kind === 'wrongMethod') {
      return answer(405, brand.statusBody(405, `${method} is not allowed on ${url.pathname}`), { allow: match.allow.join(', ') });
    }
    if (match.kind === 'none') return answer(404, brand.errorBody('not_found', `no such endpoint: ${method} ${url.pathname}`));
    const prepared = await (early ?? prepare(match));
    recorder.finish(record, prepared.status);
    send(res, prepared.status, prepared.payload, prepared.headers);
  }

  const server = createServer((req, res) => {
    const arrivedAt = performance.now();
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    } catch {
      sendJson(res, 400, brand.errorBody('invalid_request', 'malformed request target'), { ...brand.headers });
      return;
    }
    const work =
      url.pathname === CONTROL_PREFIX || url.pathname.startsWith(`${CONTROL_PREFIX}/`)
        ? handleControl(req, res, url.pathname, { name: def.name, brand: def.brand, control, extraRoutes: def.controlRoutes })
        : handleApi(req, res, url, arrivedAt);
    work.catch(() => sendJson(res, 500, brand.internalErrorBody(), { ...brand.headers }));
  });
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1000;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : (options.port ?? 0);
  const urlHost = host.includes(':') ? `[${host}]` : host;

  return {
    name: def.name,
    brand: def.brand,
    url: `http://${urlHost}:${port}`,
    port,
    apiKey: options.apiKey,
    authHeaders: Object.freeze(authHeadersFor(def.auth, options.apiKey)),
    control,
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}

type Found = Extract<RouteMatch, { kind: 'found' }>;

/** A route's answer, serialized and ready to send. */
interface Prepared {
  readonly status: number;
  readonly payload: string;
  readonly headers: Record<string, string>;
}

type ReadBody = { body: RequestBody; form: URLSearchParams | null };

async function readRequestBody(req: IncomingMessage, method: string): Promise<ReadBody | 'tooLarge' | 'aborted'> {
  if (method === 'GET' || method === 'HEAD') return { body: { kind: 'none' }, form: null };
  let text: string;
  try {
    text = await readBody(req);
  } catch (err) {
    return err instanceof BodyTooLargeError ? 'tooLarge' : 'aborted';
  }
  const form = FORM_CONTENT_TYPE.test(req.headers['content-type'] ?? '') ? new URLSearchParams(text) : null;
  if (text.trim().length === 0) return { body: { kind: 'none' }, form };
  // JSON is still attempted whatever the content type: `curl -d '{…}'` sends JSON labelled as a form.
  const parsed = parseJson(text);
  return { body: parsed.ok ? { kind: 'json', value: parsed.value } : { kind: 'invalid', reason: parsed.reason }, form };
}

function safeBatchSize(batchSize: NonNullable<Route['batchSize']>, url: URL, body: RequestBody): number | null {
  try {
    return batchSize({ query: url.searchParams, body });
  } catch {
    return null;
  }
}
