import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../platform/log/createLogger.js';
import { VendorError } from '../errors/VendorError.js';
import { parseConfig } from '../../../platform/config/parseConfig.js';
import { createVendorClient } from './createVendorClient.js';
import { toVendorClientOptions, vendorSettings } from './vendorSettings.js';
import type { VendorClient } from './VendorClient.js';

// A vendor that never answers: every call ends at whichever deadline applies.
let server: Server;
let baseUrl: string;
let hits = 0;

beforeAll(async () => {
  server = createServer((req) => {
    req.resume();
    hits++;
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await once(server, 'close');
});

const clients: VendorClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  hits = 0;
});

const OWN_DEADLINE_MS = 20_000;

function hangingOperation() {
  // Through the env settings, so that the test follows the kit's defaults (breaker, retry) as they change.
  const config = parseConfig('acme', vendorSettings('ACME', { baseUrl, apiKey: 'k', maxBatchSize: 10, cacheTtlMs: 0 }), {
    ACME_VENDOR_DEADLINE_MS: String(OWN_DEADLINE_MS),
    ACME_RETRY_MAX_ATTEMPTS: '1',
  });
  const logger = createLogger({ service: 'test', level: 'silent' });
  const client = createVendorClient(toVendorClientOptions('acme', config, logger, (key) => ({ kind: 'header', header: 'x-api-key', value: key })));
  clients.push(client);
  return client.operation<void, unknown>({ name: 'things.get', idempotent: true, request: () => ({ method: 'GET', path: '/things' }), parse: (json) => json });
}

async function failure(promise: Promise<unknown>): Promise<VendorError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(VendorError);
  return err as VendorError;
}

describe('vendor client: the request deadline', () => {
  it("ends a call at the request's deadline when it comes before the call's own", async () => {
    const op = hangingOperation();
    const started = Date.now();
    const err = await failure(op.call(undefined, { requestId: 'r1', deadlineAt: Date.now() + 150 }));
    expect(err.kind).toBe('timeout');
    expect(hits).toBe(1);
    // Far below the operation's own 20 s deadline: the request's budget was applied (generous bound, busy machines).
    expect(Date.now() - started).toBeLessThan(OWN_DEADLINE_MS / 4);
  });

  it('does not start a call whose request has no budget left', async () => {
    const op = hangingOperation();
    const err = await failure(op.call(undefined, { requestId: 'r2', deadlineAt: Date.now() - 1 }));
    expect(err.kind).toBe('timeout');
    expect(err.message).toContain('request budget was spent');
    expect(hits).toBe(0);
  });

  it('does not start a call whose caller has gone', async () => {
    const op = hangingOperation();
    const err = await failure(op.call(undefined, { requestId: 'r3', signal: AbortSignal.abort() }));
    expect(err.kind).toBe('timeout');
    expect(hits).toBe(0);
  });
});
