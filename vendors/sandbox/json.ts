import type { IncomingMessage, ServerResponse } from 'node:http';

/** Largest request body any sandbox vendor accepts (bytes). */
export const MAX_BODY_BYTES = 1024 * 1024;

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body exceeds ${limit} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/** Reads a request body as UTF-8, refusing (and no longer buffering) past `limit` bytes. */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      reject(new BodyTooLargeError(limit));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        reject(new BodyTooLargeError(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', (err) => {
      if (done) return;
      done = true;
      reject(err);
    });
  });
}

export type JsonParse = { ok: true; value: unknown } | { ok: false; reason: string };

export function parseJson(text: string): JsonParse {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : 'invalid JSON' };
  }
}

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
export const TEXT_CONTENT_TYPE = 'text/plain; charset=utf-8';

/** Sends a JSON answer unless the socket is already gone (a client may give up while we wait). */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  send(res, status, JSON.stringify(body), { 'content-type': JSON_CONTENT_TYPE, ...headers });
}

export function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  send(res, status, text, { 'content-type': TEXT_CONTENT_TYPE, ...headers });
}

/** Sends an answer already serialized, with its content type in `headers`, unless the socket is already gone. */
export function send(res: ServerResponse, status: number, payload: string, headers: Record<string, string>): void {
  if (res.headersSent || res.writableEnded || res.destroyed) return;
  if (status === 204 || status === 304) {
    const { 'content-type': _ignored, ...rest } = headers;
    res.writeHead(status, rest).end();
    return;
  }
  const buf = Buffer.from(payload, 'utf8');
  res.writeHead(status, { ...headers, 'content-length': String(buf.length) });
  res.end(buf);
}

/** JSON with object keys sorted, so two equal bodies compare equal whatever their key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
