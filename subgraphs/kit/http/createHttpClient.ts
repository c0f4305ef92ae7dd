import { Pool } from 'undici';
import { VendorError } from '../errors/VendorError.js';
import type { Logger } from '../../../platform/log/createLogger.js';
import type { VendorAuth } from '../vendor/VendorClientOptions.js';
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
 * The only place the kit does HTTP. One undici keep-alive `Pool` for the vendor's origin,
 * so sequential and concurrent calls reuse sockets; every response body is consumed or
 * destroyed so sockets go back to the pool.
 */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const base = new URL(options.baseUrl);
  const prefix = base.pathname.replace(/\/+$/, '');
  const pool = new Pool(base.origin, {
    connections: options.connections,
    pipelining: 1,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 10_000,
    keepAliveMaxTimeout: Math.max(options.keepAliveTimeoutMs ?? 10_000, 60_000),
  });
  const authHeaders: Record<string, string> =
    options.auth.kind === 'bearer' ? { authorization: `Bearer ${options.auth.token}` } : { [options.auth.header.toLowerCase()]: options.auth.value };
  let closed: Promise<void> | undefined;

  async function request(operation: string, req: VendorRequest, opts: RequestOptions): Promise<VendorResponse> {
    const vendor = options.vendor;
    const hasBody = req.body !== undefined;
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': USER_AGENT,
      ...lowerCaseKeys(req.headers),
      ...(hasBody ? { 'content-type': 'application/json' } : {}),
      ...authHeaders,
      'x-request-id': opts.requestId,
    };
    try {
      const res = await pool.request({
        method: req.method,
        path: prefix + (req.path.startsWith('/') ? req.path : `/${req.path}`) + queryString(req.query),
        headers,
        body: hasBody ? JSON.stringify(req.body) : null,
        signal: opts.signal,
      });
      const responseHeaders = res.headers as ResponseHeaders;
      if (res.statusCode < 200 || res.statusCode >= 300) {
        const body = await readErrorBody(res.body);
        throw statusToError(res.statusCode, { vendor, operation, headers: responseHeaders, body, read: opts.read ?? false });
      }
      if (res.statusCode === 204 || res.statusCode === 205) {
        await res.body.dump();
        return { status: res.statusCode, json: undefined, headers: responseHeaders };
      }
      const text = await readCappedBody(res.body, responseHeaders, opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, { vendor, operation, status: res.statusCode });
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
