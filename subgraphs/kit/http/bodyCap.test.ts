import { once } from 'node:events';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../platform/log/createLogger.js';
import { VendorError } from '../errors/VendorError.js';
import { createVendorClient } from '../vendor/createVendorClient.js';
import { createHttpClient, DEFAULT_MAX_BODY_BYTES } from './createHttpClient.js';

/*
 * The 2xx body cap: a vendor that streams 10 MB is cut off at the cap (the client aborts and
 * the server sees its response closed before it could finish), refused with `bad_response`,
 * never buffered whole nor parsed.
 */
const logger = createLogger({ service: 'test', level: 'silent' });
const TEN_MB = 10 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 'x');

let server: Server;
let baseUrl: string;
/** What the server managed to send of its last answer, and whether it got to the end. */
let last: { written: number; finished: boolean; closed: Promise<void> } | undefined;

/** Writes `total` bytes of a JSON string with backpressure, as a real slow consumer would see it. */
function stream(res: ServerResponse, total: number, announce: boolean): void {
  res.writeHead(200, { 'content-type': 'application/json', ...(announce ? { 'content-length': String(total) } : {}) });
  const state = { written: 0, finished: false, closed: once(res, 'close').then(() => undefined) };
  last = state;
  res.on('finish', () => (state.finished = true));
  const body = Buffer.concat([Buffer.from('{"data":"'), Buffer.alloc(total - 11, 'x'), Buffer.from('"}')]);
  const pump = () => {
    while (state.written < body.length && !res.destroyed) {
      const piece = body.subarray(state.written, state.written + CHUNK.length);
      state.written += piece.length;
      if (state.written >= body.length) return void res.end(piece);
      if (!res.write(piece)) return void res.once('drain', pump);
    }
  };
  pump();
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/chunked') return stream(res, TEN_MB, false);
    if (path === '/announced') return stream(res, TEN_MB, true);
    if (path === '/small') return stream(res, 4096, false);
    res.writeHead(404).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  last = undefined;
});

const auth = { kind: 'bearer', token: 't' } as const;

describe('the 2xx body cap', () => {
  it('cuts a 10 MB chunked answer off at the 1 MiB default: bad_response, and the server never gets to finish', async () => {
    const http = createHttpClient({ vendor: 'v', baseUrl, auth, connections: 1, logger });
    try {
      const err = await http.request('op', { method: 'GET', path: '/chunked' }, { signal: new AbortController().signal, requestId: 'r' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(VendorError);
      expect((err as VendorError).kind).toBe('bad_response');
      expect((err as VendorError).message).toContain(`cap ${DEFAULT_MAX_BODY_BYTES} bytes`);
      await last!.closed;
      expect(last!.finished).toBe(false);
      // What the server pushed before the client hung up: the cap plus socket buffers, not 10 MB.
      expect(last!.written).toBeLessThan(TEN_MB / 2);
    } finally {
      await http.close();
    }
  });

  it('refuses an answer whose content-length is over the cap before reading it', async () => {
    const http = createHttpClient({ vendor: 'v', baseUrl, auth, connections: 1, logger });
    try {
      const err = await http.request('op', { method: 'GET', path: '/announced' }, { signal: new AbortController().signal, requestId: 'r' }).catch((e: unknown) => e);
      expect((err as VendorError).kind).toBe('bad_response');
      expect((err as VendorError).message).toContain(`announces ${TEN_MB} bytes`);
      await last!.closed;
      expect(last!.finished).toBe(false);
    } finally {
      await http.close();
    }
  });

  it('per operation: an operation capped at 1 KiB refuses a 4 KiB answer that the client default accepts', async () => {
    const vendor = createVendorClient({
      name: 'v',
      baseUrl,
      auth,
      deadlineMs: 5000,
      connections: 1,
      breaker: { errorThresholdPercentage: 50, volumeThreshold: 100, rollingCountTimeoutMs: 10_000, resetTimeoutMs: 10_000, consecutiveFailures: 100 },
      retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1, budgetRatio: 0.2 },
      logger,
    } as Parameters<typeof createVendorClient>[0]);
    try {
      const def = { idempotent: true, request: () => ({ method: 'GET' as const, path: '/small' }), parse: (json: unknown) => json };
      const capped = vendor.operation({ ...def, name: 'capped', maxBodyBytes: 1024 });
      const open = vendor.operation({ ...def, name: 'open' });
      const err = await capped.call(undefined, { requestId: 'r' }).catch((e: unknown) => e);
      expect((err as VendorError).kind).toBe('bad_response');
      await expect(open.call(undefined, { requestId: 'r' })).resolves.toEqual({ data: 'x'.repeat(4096 - 11) });
    } finally {
      await vendor.close();
    }
  });
});
