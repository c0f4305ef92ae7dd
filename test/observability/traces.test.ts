import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { subgraphEntry } from '../../platform/registry/services.js';
import { SpanAttributes } from '../../platform/tracing/attributes.js';
import { registerTracing, type TracingRegistration } from '../../platform/tracing/registerTracing.js';
import { operation } from '../harness/operations.js';
import { startStack, type Stack } from '../harness/startStack.js';

/** The subgraphs the home screen reaches, in the order of its query plan. */
const HOME_SCREEN_SUBGRAPHS = ['catalog', 'reviews', 'accounts'] as const;

describe('traces of one home screen request, across the gateway, the subgraphs and the vendors', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: TracingRegistration;
  let stack: Stack;

  beforeAll(async () => {
    // As every main.ts does: tracing first, then the services.
    tracing = registerTracing({ service: 'mobile-graph-test', spanProcessors: [new SimpleSpanProcessor(exporter)] });
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.close();
    await tracing?.shutdown();
  });
  beforeEach(() => exporter.reset());

  /** Every span of the request whose gateway SERVER span carries `requestId`, once all of them have ended. */
  async function spansOf(requestId: string): Promise<ReadableSpan[]> {
    // The gateway's span ends when its answer is written, which can be just after the client has read it.
    const deadline = Date.now() + 10_000;
    let root: ReadableSpan | undefined;
    while (root === undefined && Date.now() < deadline) {
      await tracing.forceFlush();
      root = exporter.getFinishedSpans().find((s) => isServer(s, 'gateway') && s.attributes[SpanAttributes.requestId] === requestId);
      if (root === undefined) await new Promise((r) => setTimeout(r, 10));
    }
    if (root === undefined) throw new Error(`no gateway SERVER span for ${requestId}`);
    const traceId = root.spanContext().traceId;
    return exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
  }

  it('is one trace: gateway, Apollo, its fetches, each subgraph and each vendor call, parented end to end', async () => {
    const res = await stack.query(operation('HomeScreen'), undefined, { 'x-request-id': 'trace-home-1' });
    expect(res.status).toBe(200);
    expect(res.json.errors).toBeUndefined();

    const spans = await spansOf('trace-home-1');
    const all = exporter.getFinishedSpans().filter((s) => s.attributes[SpanAttributes.requestId] === 'trace-home-1');
    // Every span that names the request is in the one trace.
    expect(new Set(all.map((s) => s.spanContext().traceId)).size).toBe(1);
    const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
    const parentOf = (s: ReadableSpan) => byId.get(s.parentSpanContext?.spanId ?? '');
    const ancestors = (s: ReadableSpan): ReadableSpan[] => {
      const parent = parentOf(s);
      return parent === undefined ? [] : [parent, ...ancestors(parent)];
    };

    // The gateway's span is the root: the client sent no traceparent.
    const gateway = only(spans.filter((s) => isServer(s, 'gateway')));
    expect(gateway.parentSpanContext).toBeUndefined();
    expect(gateway.name).toBe('POST /graphql');
    expect(gateway.attributes).toMatchObject({ 'http.request.method': 'POST', 'url.path': '/graphql', 'http.response.status_code': 200, [SpanAttributes.service]: 'gateway' });

    // Apollo Gateway's own spans, under the gateway's.
    const request = only(spans.filter((s) => s.name === 'gateway.request'));
    expect(parentOf(request)).toBe(gateway);
    expect(parentOf(only(spans.filter((s) => s.name === 'gateway.plan')))).toBe(request);
    const fetches = spans.filter((s) => s.name === 'gateway.fetch');
    expect(fetches.map((s) => s.attributes.service).sort()).toEqual([...HOME_SCREEN_SUBGRAPHS].sort());

    for (const name of HOME_SCREEN_SUBGRAPHS) {
      const subgraph = stack.subgraph(name);
      const fetch = only(fetches.filter((s) => s.attributes.service === name));
      expect(ancestors(fetch)).toContain(request);

      // The gateway's HTTP call to the subgraph, under Apollo's fetch, and the subgraph's span under that call.
      const call = only(spans.filter((s) => s.kind === SpanKind.CLIENT && s.attributes['server.port'] === subgraph.http.port));
      expect(parentOf(call)).toBe(fetch);
      expect(call.attributes['http.response.status_code']).toBe(200);
      const server = only(spans.filter((s) => isServer(s, name)));
      expect(parentOf(server)).toBe(call);
      expect(server.attributes).toMatchObject({ 'http.response.status_code': 200, [SpanAttributes.requestId]: 'trace-home-1' });

      // The subgraph's HTTP calls to its vendor in the sandbox, inside the subgraph's span.
      const vendorName = subgraphEntry(name).vendor;
      const vendorPort = Number(new URL(stack.sandbox.vendor(vendorName).url).port);
      const vendorCalls = spans.filter((s) => s.kind === SpanKind.CLIENT && s.attributes['server.port'] === vendorPort);
      expect(vendorCalls.length).toBeGreaterThan(0);
      for (const vendorCall of vendorCalls) {
        expect(ancestors(vendorCall)).toContain(server);
        // The kit's `<vendor>.<operation>` span, when it wraps the call: the HTTP call is its child.
        const wrapper = parentOf(vendorCall);
        expect(wrapper?.attributes[SpanAttributes.vendor]).toBe(vendorName);
        expect(wrapper?.name).toBe(`${vendorName}.${String(wrapper?.attributes[SpanAttributes.vendorOperation])}`);
        expect(wrapper?.attributes).toMatchObject({ [SpanAttributes.requestId]: 'trace-home-1', [SpanAttributes.vendorOutcome]: 'ok' });
        expect(ancestors(wrapper!)).toContain(server);
      }
    }
    // The request id is on every SERVER span of the request.
    const servers = spans.filter((s) => s.kind === SpanKind.SERVER);
    expect(servers).toHaveLength(1 + HOME_SCREEN_SUBGRAPHS.length);
    for (const s of servers) expect(s.attributes[SpanAttributes.requestId]).toBe('trace-home-1');
    // Nothing of the request is left out of the tree.
    for (const s of spans) if (s !== gateway) expect(parentOf(s)).toBeDefined();
  });

  it("starts a trace of its own for a client's traceparent, linked to the client's span; nothing of the client's tracestate goes on (TRACE_CLIENT_CONTEXT=link, the default)", async () => {
    const traceId = randomBytes(16).toString('hex');
    const clientSpanId = randomBytes(8).toString('hex');
    const received = receivedBySubgraphs(stack);
    let res: Awaited<ReturnType<Stack['query']>>;
    try {
      // Flags 00: the client says "do not record"; the gateway's sampler decides, not the client.
      res = await stack.query(operation('HomeScreen'), undefined, {
        'x-request-id': 'trace-home-2',
        traceparent: `00-${traceId}-${clientSpanId}-00`,
        tracestate: 'rum=from-the-client',
      });
    } finally {
      received.stop();
    }
    expect(res.status).toBe(200);

    const spans = await spansOf('trace-home-2');
    const gateway = only(spans.filter((s) => isServer(s, 'gateway')));
    const ours = gateway.spanContext().traceId;
    expect(ours).not.toBe(traceId);
    expect(gateway.parentSpanContext).toBeUndefined();
    expect(gateway.links.map((link) => link.context)).toEqual([{ traceId, spanId: clientSpanId, traceFlags: 0, isRemote: true }]);
    // The subgraphs' spans are in the gateway's trace, and what they were sent names it, with no tracestate.
    for (const name of HOME_SCREEN_SUBGRAPHS) expect(only(spans.filter((s) => isServer(s, name))).spanContext().traceId).toBe(ours);
    expect(received.headers.length).toBeGreaterThanOrEqual(HOME_SCREEN_SUBGRAPHS.length);
    for (const headers of received.headers) {
      expect(headers.traceparent).toMatch(new RegExp(`^00-${ours}-[0-9a-f]{16}-01$`));
      expect(headers.tracestate).toBeUndefined();
    }
    // Every outgoing call of the trace (to the subgraphs, and to vendors for what the cache lacks) propagates a context without a tracestate.
    const calls = spans.filter((s) => s.kind === SpanKind.CLIENT);
    expect(calls.length).toBeGreaterThanOrEqual(HOME_SCREEN_SUBGRAPHS.length);
    for (const call of calls) expect(call.spanContext().traceState).toBeUndefined();
    // Nothing new reaches the client: no trace header in the answer.
    expect(res.headers.get('traceparent')).toBeNull();
  });

  it("continues the client's trace with TRACE_CLIENT_CONTEXT=continue (trusted clients), still passing on none of its tracestate", async () => {
    const trusting = await startStack({ env: { TRACE_CLIENT_CONTEXT: 'continue' } });
    const received = receivedBySubgraphs(trusting);
    try {
      const traceId = randomBytes(16).toString('hex');
      const clientSpanId = randomBytes(8).toString('hex');
      const res = await trusting.query(operation('HomeScreen'), undefined, {
        'x-request-id': 'trace-home-3',
        traceparent: `00-${traceId}-${clientSpanId}-01`,
        tracestate: 'rum=from-the-client',
      });
      expect(res.status).toBe(200);

      const spans = await spansOf('trace-home-3');
      const gateway = only(spans.filter((s) => isServer(s, 'gateway')));
      expect(gateway.spanContext().traceId).toBe(traceId);
      expect(gateway.parentSpanContext).toMatchObject({ spanId: clientSpanId, isRemote: true });
      expect(gateway.links).toEqual([]);
      // The subgraphs' spans are in the client's trace too.
      for (const name of HOME_SCREEN_SUBGRAPHS) expect(only(spans.filter((s) => isServer(s, name))).spanContext().traceId).toBe(traceId);
      expect(received.headers.length).toBeGreaterThanOrEqual(HOME_SCREEN_SUBGRAPHS.length);
      for (const headers of received.headers) {
        expect(headers.traceparent).toMatch(new RegExp(`^00-${traceId}-`));
        expect(headers.tracestate).toBeUndefined();
      }
      // A new stack's caches are cold: its vendor calls are among these, and carry no tracestate either.
      for (const call of spans.filter((s) => s.kind === SpanKind.CLIENT)) expect(call.spanContext().traceState).toBeUndefined();
    } finally {
      received.stop();
      await trusting.close();
    }
  });

  it('does not trace health checks', async () => {
    const res = await fetch(stack.gatewayUrl.replace('/graphql', '/healthz'));
    expect(res.status).toBe(200);
    await tracing.forceFlush();
    expect(exporter.getFinishedSpans().filter((s) => s.kind === SpanKind.SERVER)).toEqual([]);
  });
});

/** The headers of every request the stack's subgraphs receive from now until `stop()`, as they came over the wire. */
function receivedBySubgraphs(stack: Stack): { readonly headers: IncomingHttpHeaders[]; stop(): void } {
  const headers: IncomingHttpHeaders[] = [];
  const record = (req: IncomingMessage) => {
    if (req.url?.startsWith('/graphql')) headers.push(req.headers);
  };
  const servers = stack.subgraphs.map((s) => s.http.server);
  for (const server of servers) server.on('request', record);
  return { headers, stop: () => servers.forEach((server) => server.off('request', record)) };
}

function isServer(span: ReadableSpan, service: string): boolean {
  return span.kind === SpanKind.SERVER && span.attributes[SpanAttributes.service] === service;
}

function only<T>(items: readonly T[]): T {
  expect(items).toHaveLength(1);
  return items[0] as T;
}
