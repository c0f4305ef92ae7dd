import { Pool } from '../../../platform/http/undiciPool.js';
import { VendorError } from '../errors/VendorError.js';
import type { Logger } from '../../../platform/log/createLogger.js';
import type { VendorAuth, VendorTokenSource } from '../vendor/VendorClientOptions.js';
import { statusToError } from './statusToError.js';
import type { ResponseHeaders, VendorRequest, VendorResponse } from './VendorRequest.js';

export interface HttpClientOptions {
  /** Vendor name, for errors and logs. */
  readonly vendor: string;
  /** Base URL, optionally with a path prefix (e.g. 'https://api.vendor.com/v2'). */
  readonly baseUrl: string;
  readonly auth: VendorAuth;
  /** Keep-alive connections kept open to the vendor's origin. */
  readonly connections: number;
  /** HTTP/2: h2 by ALPN over https, h2c (prior knowledge) over http. Default false. */
  readonly http2?: boolean;
  /** How long an idle keep-alive socket is kept (a shorter hint from the server wins). Default 10000 (ms). */
  readonly keepAliveTimeoutMs?: number;
  readonly logger: Logger;
}

export interface RequestOptions {
  /** Aborts the request (connect, headers or body) → `VendorError('timeout')`. */
  readonly signal: AbortSignal;
  /** Sent as `x-request-id` so the vendor's logs can be joined with ours. */
  readonly requestId: string;
  /** A read: a 400/409/422 is then `refused` (our request), not `rejected` (the caller's input). Default false. */
  readonly read?: boolean;
  /** Most bytes of a 2xx body read; past it the response is dropped → `VendorError('bad_response')`. Default 1 MiB. */
  readonly maxBodyBytes?: number;
  /** An empty 2xx body is an answer (`json` undefined) rather than `bad_response`. Default false. */
  readonly allowEmptyBody?: boolean;
  /** 4xx statuses (beyond 400/409/422) that are answers, not vendor faults: see `VendorOperationDef.clientErrors`. */
  readonly clientErrors?: readonly number[];
  /** With a token auth: refusals besides 401 that mean the token was refused (e.g. APNs' 403 ExpiredProviderToken). */
  readonly tokenRefused?: (err: VendorError) => boolean;
}

export interface HttpClient {
  /** Resolves for 2xx with parsed JSON; otherwise rejects with a `VendorError` (and only that). */
  request(operation: string, req: VendorRequest, opts: RequestOptions): Promise<VendorResponse>;
  close(): Promise<void>;
}

/** Error bodies beyond this are not read to the end: the socket is dropped instead. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;
/** Default cap of a 2xx body: far above any page we ask for, far below what would hurt the process. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
const USER_AGENT = 'mobile-graph-kit';
/**
 * Streams one HTTP/2 connection carries at once (APNs and node's servers allow 100 or more), so a
 * few connections serve a burst of sends; past it requests queue in the pool.
 */
const H2_MAX_STREAMS = 100;

/**
 * The only place the kit does HTTP. One undici keep-alive `Pool` for the vendor's origin,
 * so sequential and concurrent calls reuse sockets; every response body is consumed or
 * destroyed so sockets go back to the pool.
 */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const base = new URL(options.baseUrl);
  const prefix = base.pathname.replace(/\/+$/, '');
  const h2 = options.http2 === true;
  const pool = new Pool(base.origin, {
    connections: options.connections,
    // HTTP/1.1 pipelining stays off (one request per socket at a time); over HTTP/2 this is the
    // number of concurrent streams per connection.
    pipelining: h2 ? H2_MAX_STREAMS : 1,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 10_000,
    keepAliveMaxTimeout: Math.max(options.keepAliveTimeoutMs ?? 10_000, 60_000),
    // Pool does not forward a top-level useH2c; the connector takes it (and the typings lack it).
    ...(h2 ? { allowH2: true, ...(base.protocol === 'http:' ? { connect: { useH2c: true } as Record<string, unknown> } : {}) } : {}),
  });
  const auth = options.auth;
  const staticAuth: Record<string, string> =
    auth.kind === 'bearer' ? { authorization: `Bearer ${auth.token}` } : auth.kind === 'header' ? { [auth.header.toLowerCase()]: auth.value } : {};
  let closed: Promise<void> | undefined;

  async function request(operation: string, req: VendorRequest, opts: RequestOptions): Promise<VendorResponse> {
    if (auth.kind !== 'token') return send(operation, req, opts, staticAuth);
    const token = await tokenFrom(auth, opts.signal, options.vendor, operation);
    try {
      return await send(operation, req, opts, { authorization: `Bearer ${token}` });
    } catch (err) {
      if (!(err instanceof VendorError) || !(err.status === 401 || opts.tokenRefused?.(err) === true)) throw err;
      // The vendor processed nothing with a refused credential, so sending again is safe even for
      // a write. Once only: a fresh token refused too is a configuration problem a third try will
      // not fix (and the source is not told twice, so a bad key does not cost two exchanges a call).
      auth.rejected?.(token);
      const fresh = await tokenFrom(auth, opts.signal, options.vendor, operation);
      if (fresh === token) throw err;
      return send(operation, req, opts, { authorization: `Bearer ${fresh}` });
    }
  }

  async function send(operation: string, req: VendorRequest, opts: RequestOptions, authHeaders: Record<string, string>): Promise<VendorResponse> {
    const vendor = options.vendor;
    const body = req.form !== undefined ? new URLSearchParams(req.form).toString() : req.body !== undefined ? JSON.stringify(req.body) : null;
    const contentType = req.form !== undefined ? 'application/x-www-form-urlencoded' : req.body !== undefined ? 'application/json' : undefined;
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': USER_AGENT,
      ...lowerCaseKeys(req.headers),
      ...(contentType !== undefined ? { 'content-type': contentType } : {}),
      ...authHeaders,
      'x-request-id': opts.requestId,
    };
    try {
      const res = await pool.request({
        method: req.method,
        path: prefix + (req.path.startsWith('/') ? req.path : `/${req.path}`) + queryString(req.query),
        headers,
        body,
        signal: opts.signal,
        // undici holds a non-idempotent request (a POST) until the connection is otherwise idle,
        // which on HTTP/2 serialises every send on one stream at a time. Streams fail on their
        // own, so there is nothing to protect; undici retries nothing either way.
        ...(h2 ? { idempotent: true } : {}),
      });
      const responseHeaders = res.headers as ResponseHeaders;
      if (res.statusCode < 200 || res.statusCode >= 300) {
        const errorBody = await readErrorBody(res.body);
        throw statusToError(res.statusCode, {
          vendor,
          operation,
          headers: responseHeaders,
          body: errorBody,
          read: opts.read ?? false,
          ...(opts.clientErrors ? { clientErrors: opts.clientErrors } : {}),
        });
      }
      if (res.statusCode === 204 || res.statusCode === 205) {
        await res.body.dump();
        return { status: res.statusCode, json: undefined, headers: responseHeaders };
      }
      const text = await readCappedBody(res.body, responseHeaders, opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, { vendor, operation, status: res.statusCode });
      if (opts.allowEmptyBody === true && text.trim() === '') return { status: res.statusCode, json: undefined, headers: responseHeaders };
      return { status: res.statusCode, json: parseJson(text, { vendor, operation, status: res.statusCode }), headers: responseHeaders };
    } catch (err) {
      throw toTransportError(err, opts.signal, vendor, operation);
    }
  }

  return {
    request,
    close() {
      closed ??= pool.close().catch((err: unknown) => options.logger.warn({ err, vendor: options.vendor }, 'closing the vendor pool failed'));
      return closed;
    },
  };
}

/**
 * The token to send, waited for no longer than the call's signal allows (a refresh in flight is
 * shared by many calls, so it is not aborted; this call just stops waiting). A failure keeps its
 * `VendorError` kind (an unreachable token endpoint is a vendor fault, worth a retry; a refused
 * credential is `auth`) but not its status, which was another endpoint's answer. The message
 * names the failure, never the token or the key.
 */
async function tokenFrom(source: VendorTokenSource, signal: AbortSignal, vendor: string, operation: string): Promise<string> {
  try {
    return await untilAborted(source.token(), signal);
  } catch (err) {
    if (signal.aborted) throw toTransportError(err, signal, vendor, operation);
    const message = `${vendor}.${operation}: could not obtain a token: ${err instanceof Error ? err.message : 'unknown failure'}`;
    if (err instanceof VendorError) {
      throw new VendorError(err.kind, { vendor, operation, message, cause: err, ...(err.retryAfterMs !== undefined ? { retryAfterMs: err.retryAfterMs } : {}) });
    }
    throw new VendorError('auth', { vendor, operation, message, cause: err });
  }
}

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

function lowerCaseKeys(headers: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers) for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = v;
  return out;
}

function queryString(query: VendorRequest['query']): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.append(k, String(v));
  const s = params.toString();
  return s === '' ? '' : `?${s}`;
}

function parseJson(text: string, at: { vendor: string; operation: string; status: number }): unknown {
  if (text.trim() === '') {
    throw new VendorError('bad_response', { ...at, message: `${at.vendor}.${at.operation}: empty body on HTTP ${at.status}` });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new VendorError('bad_response', {
      ...at,
      message: `${at.vendor}.${at.operation}: body on HTTP ${at.status} is not JSON`,
      body: text,
      cause,
    });
  }
}

/**
 * A 2xx body, read only up to `maxBytes`: a vendor announcing more (content-length) is refused
 * before a byte is read, and one sending more is cut off at the cap (leaving the loop destroys
 * the stream, which aborts the request and closes that socket). So a 10 MB answer costs at
 * most the cap in memory and is never parsed.
 */
async function readCappedBody(
  body: AsyncIterable<Buffer> & { destroy(): unknown },
  headers: ResponseHeaders,
  maxBytes: number,
  at: { vendor: string; operation: string; status: number },
): Promise<string> {
  const tooLarge = (what: string) =>
    new VendorError('bad_response', { ...at, message: `${at.vendor}.${at.operation}: body on HTTP ${at.status} ${what} (cap ${maxBytes} bytes); dropped` });
  const announced = Number(headers['content-length']);
  if (Number.isFinite(announced) && announced > maxBytes) {
    body.destroy();
    throw tooLarge(`announces ${announced} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > maxBytes) throw tooLarge('is over the cap'); // leaving the loop destroys the stream
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

/** Reads a small error body for the logs; a huge one is cut off (which closes that socket). */
async function readErrorBody(body: AsyncIterable<Buffer> & { destroy(): unknown }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size > MAX_ERROR_BODY_BYTES) break; // leaving the loop destroys the stream
  }
  return Buffer.concat(chunks).toString('utf8').slice(0, 512);
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

function toTransportError(err: unknown, signal: AbortSignal, vendor: string, operation: string): VendorError {
  if (err instanceof VendorError) return err;
  if (signal.aborted) {
    const reason: unknown = signal.reason;
    const why = reason instanceof Error && reason.message ? reason.message : 'aborted';
    return new VendorError('timeout', { vendor, operation, message: `${vendor}.${operation}: request aborted (${why})`, cause: err });
  }
  const code = typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;
  if (code !== undefined && TIMEOUT_CODES.has(code)) {
    return new VendorError('timeout', { vendor, operation, message: `${vendor}.${operation}: ${code}`, cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new VendorError('network', {
    vendor,
    operation,
    message: `${vendor}.${operation}: network error${code ? ` (${code})` : ''}: ${message}`,
    cause: err,
  });
}
