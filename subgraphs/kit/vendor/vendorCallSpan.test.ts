import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../platform/log/createLogger.js';
import { SpanAttributes } from '../../../platform/tracing/attributes.js';
import { VendorError } from '../errors/VendorError.js';
import { createVendorClient } from './createVendorClient.js';
import type { VendorClient } from './VendorClient.js';

// A tracer provider registered as startTracing would, for this file's tests only (removed
// after them): spans land in memory.
const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

let server: Server;
let baseUrl: string;
const SECRET_KEY = 'sk-span-never';

beforeAll(async () => {
  provider.register();
  server = createServer((req, res) => {
    req.resume();
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    res.writeHead(path === '/ok' ? 200 : 500, { 'content-type': 'application/json' });
    res.end(JSON.stringify(path === '/ok' ? { ok: true } : { error: 'vendor body, never in a span' }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await once(server, 'close');
  await provider.shutdown();
  trace.disable();
  context.disable();
  propagation.disable();
});

const clients: VendorClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  exporter.reset();
});

function client(): VendorClient {
  const c = createVendorClient({
    name: 'acme',
    baseUrl,
    auth: { kind: 'header', header: 'x-api-key', value: SECRET_KEY },
    deadlineMs: 2000,
    connections: 2,
    breaker: { errorThresholdPercentage: 50, volumeThreshold: 1000, rollingCountTimeoutMs: 10_000, resetTimeoutMs: 10_000, consecutiveFailures: 1000 },
    retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 5, budgetRatio: 0.1 },
    logger: createLogger({ service: 'test', level: 'silent' }),
  });
  clients.push(c);
  return c;
}

describe('vendor spans', () => {
  it('runs a call inside an active INTERNAL span <vendor>.<operation> carrying vendor, operation, request id and outcome', async () => {
    let activeInParse: string | undefined;
    const op = client().operation<string, unknown>({
      name: 'things.get',
      idempotent: true,
      request: (id) => ({ method: 'GET', path: '/ok', query: { id } }),
      parse: (json) => {
        activeInParse = trace.getActiveSpan()?.spanContext().spanId;
        return json;
      },
    });
    await op.call('thing_0042', { requestId: 'req-span-1' });

    const [span, ...others] = exporter.getFinishedSpans();
    expect(others).toEqual([]);
    expect(span?.name).toBe('acme.things.get');
    expect(span?.kind).toBe(SpanKind.INTERNAL);
    // Active while the vendor answered: the HTTP client's own spans become its children.
    expect(activeInParse).toBe(span?.spanContext().spanId);
    expect(span?.attributes).toEqual({
      [SpanAttributes.vendor]: 'acme',
      [SpanAttributes.vendorOperation]: 'things.get',
      [SpanAttributes.requestId]: 'req-span-1',
      [SpanAttributes.vendorOutcome]: 'ok',
    });
    expect(span?.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('a failure is status ERROR with the error kind, and nothing of the input, the URL, the key or the vendor body', async () => {
    const c = client();
    const op = c.operation<string, unknown>({ name: 'things.get', idempotent: true, request: (id) => ({ method: 'GET', path: '/fail', query: { id } }), parse: (j) => j });
    await expect(op.call('thing_0042', { requestId: 'req-span-2' })).rejects.toBeInstanceOf(VendorError);
    const refused = c.operation<void, unknown>({
      name: 'things.refused',
      idempotent: true,
      request: () => {
        throw new RangeError('bad input thing_0042');
      },
      parse: (j) => j,
    });
    await expect(refused.call(undefined, { requestId: 'req-span-3' })).rejects.toBeInstanceOf(VendorError);

    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => [s.name, s.status.code, s.status.message, s.attributes[SpanAttributes.vendorOutcome]])).toEqual([
      ['acme.things.get', SpanStatusCode.ERROR, 'server', 'server'],
      // Refused before it left: still a span, so a trace shows why the field is null.
      ['acme.things.refused', SpanStatusCode.ERROR, 'rejected', 'rejected'],
    ]);
    const everything = JSON.stringify(spans.map((s) => ({ attributes: s.attributes, events: s.events, status: s.status, name: s.name })));
    for (const secret of ['thing_0042', SECRET_KEY, 'vendor body', baseUrl, '/fail']) expect(everything).not.toContain(secret);
  });

  it('what the caller caused (gone, budget spent) is no vendor failure: status unset, the outcome says it', async () => {
    const op = client().operation<void, unknown>({ name: 'things.get', idempotent: true, request: () => ({ method: 'GET', path: '/ok' }), parse: (j) => j });
    // The client still gets its timeout either way.
    await expect(op.call(undefined, { requestId: 'req-span-4', signal: AbortSignal.abort() })).rejects.toMatchObject({ kind: 'timeout' });
    await expect(op.call(undefined, { requestId: 'req-span-5', deadlineAt: Date.now() - 1 })).rejects.toMatchObject({ kind: 'timeout' });

    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => [s.attributes[SpanAttributes.requestId], s.status.code, s.attributes[SpanAttributes.vendorOutcome]])).toEqual([
      ['req-span-4', SpanStatusCode.UNSET, 'cancelled'],
      ['req-span-5', SpanStatusCode.UNSET, 'no_budget'],
    ]);
  });

  it('follows the provider registered now, not the first one it ever reached', async () => {
    const op = client().operation<void, unknown>({ name: 'things.get', idempotent: true, request: () => ({ method: 'GET', path: '/ok' }), parse: (j) => j });
    await op.call(undefined, { requestId: 'req-span-6' });
    expect(exporter.getFinishedSpans()).toHaveLength(1);

    // The first provider is disabled and another registered, as a test or a re-registration does.
    const later = new InMemorySpanExporter();
    const laterProvider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(later)] });
    trace.disable();
    trace.setGlobalTracerProvider(laterProvider);
    try {
      await op.call(undefined, { requestId: 'req-span-7' });
      expect(later.getFinishedSpans().map((s) => s.attributes[SpanAttributes.requestId])).toEqual(['req-span-7']);
      expect(exporter.getFinishedSpans()).toHaveLength(1);
    } finally {
      await laterProvider.shutdown();
      trace.disable();
      trace.setGlobalTracerProvider(provider);
    }
  });
});
