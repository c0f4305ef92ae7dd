import { connect } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../log/createLogger.js';
import { registerTracing, type TracingRegistration } from '../tracing/registerTracing.js';
import { createHttpHandler } from './createHttpHandler.js';
import { HttpRefusal } from './HttpRefusal.js';
import { startHttpServer, type RunningHttpServer } from './startHttpServer.js';

describe('the SERVER span of a GraphQL request', () => {
  const exporter = new InMemorySpanExporter();
  const logger = createLogger({ service: 'test', level: 'silent' });
  let release: () => void = () => undefined;
  let entered: () => void = () => undefined;
  const apollo = new ApolloServer({
    typeDefs: 'type Query { hello: String, activeSpanId: String, slow: String }',
    resolvers: {
      Query: {
        hello: () => 'hi',
        activeSpanId: () => trace.getActiveSpan()?.spanContext().spanId ?? null,
        slow: () =>
          new Promise<string>((resolve) => {
            release = () => resolve('late');
            entered();
          }),
      },
    },
    logger,
  });
  let ready = true;
  let tracing: TracingRegistration;
  let traced: RunningHttpServer;
  let linked: RunningHttpServer;
  let untraced: RunningHttpServer;

  beforeAll(async () => {
    tracing = registerTracing({ service: 'test', spanProcessors: [new SimpleSpanProcessor(exporter)] });
    await apollo.start();
    const options = {
      apollo,
      logger,
      isReady: () => ready,
      context: async () => ({}),
      routes: [(req: { url?: string }, res: { end(body: string): void }) => (req.url === '/extra' ? (res.end('extra'), true) : false)],
      admission: {
        request: async ({ req }: { req: { headers: Record<string, unknown> } }) => {
          if (req.headers['x-refuse'] !== undefined) throw new HttpRefusal(429, 'RATE_LIMITED', 'Slow down.');
        },
      },
    };
    traced = await startHttpServer(createHttpHandler({ ...options, service: 'catalog' }), { host: '127.0.0.1', port: 0 });
    linked = await startHttpServer(createHttpHandler({ ...options, service: 'gateway', traceContext: 'link' }), { host: '127.0.0.1', port: 0 });
    untraced = await startHttpServer(createHttpHandler(options), { host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await traced?.close(0);
    await linked?.close(0);
    await untraced?.close(0);
    await apollo.stop();
    await tracing?.shutdown();
  });
  beforeEach(() => {
    exporter.reset();
    ready = true;
  });

  const post = (server: RunningHttpServer, query: string, headers: Record<string, string> = {}) =>
    fetch(`${server.origin}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) });

  /** The SERVER spans ended so far, once `count` of them have. */
  async function serverSpans(count: number): Promise<ReadableSpan[]> {
    const deadline = Date.now() + 10_000;
    const servers = () => exporter.getFinishedSpans().filter((s) => s.kind === SpanKind.SERVER);
    while (servers().length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    return servers();
  }

  it('names the request, carries its id and service, and is the active span while Apollo runs', async () => {
    const res = await post(traced, '{ activeSpanId }', { 'x-request-id': 'req-span-1' });
    const body = (await res.json()) as { data: { activeSpanId: string } };
    const [span] = await serverSpans(1);
    expect(span!.name).toBe('POST /graphql');
    expect(span!.attributes).toEqual({
      'http.request.method': 'POST',
      'url.path': '/graphql',
      'http.route': '/graphql',
      'http.response.status_code': 200,
      'app.request_id': 'req-span-1',
      'app.service': 'catalog',
    });
    expect(span!.status.code).toBe(SpanStatusCode.UNSET);
    expect(span!.parentSpanContext).toBeUndefined();
    expect(body.data.activeSpanId).toBe(span!.spanContext().spanId);
  });

  it("is the child of the caller's traceparent by default (continue), and keeps nothing of its tracestate", async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    await (await post(traced, '{ hello }', { traceparent: `00-${traceId}-00f067aa0ba902b7-01`, tracestate: 'rum=from-the-client' })).text();
    const [span] = await serverSpans(1);
    expect(span!.spanContext().traceId).toBe(traceId);
    expect(span!.parentSpanContext).toMatchObject({ spanId: '00f067aa0ba902b7', isRemote: true });
    expect(span!.parentSpanContext?.traceState).toBeUndefined();
    expect(span!.spanContext().traceState).toBeUndefined();
    expect(span!.links).toEqual([]);
  });

  it("with traceContext link: a new trace, sampled by our sampler, with a link to the caller's span and nothing of its tracestate", async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    // Flags 00: the caller says "not sampled"; our sampler (parentbased_always_on, no parent) records it all the same.
    const res = await post(linked, '{ activeSpanId }', { traceparent: `00-${traceId}-00f067aa0ba902b7-00`, tracestate: 'rum=from-the-client' });
    const body = (await res.json()) as { data: { activeSpanId: string } };
    const [span] = await serverSpans(1);
    expect(span!.spanContext().traceId).not.toBe(traceId);
    expect(span!.parentSpanContext).toBeUndefined();
    expect(span!.spanContext().traceState).toBeUndefined();
    expect(span!.links).toHaveLength(1);
    expect(span!.links[0]!.context).toEqual({ traceId, spanId: '00f067aa0ba902b7', traceFlags: 0, isRemote: true });
    expect(span!.attributes['app.service']).toBe('gateway');
    expect(body.data.activeSpanId).toBe(span!.spanContext().spanId);
  });

  it('with traceContext link: no link without a valid traceparent', async () => {
    await (await post(linked, '{ hello }')).text();
    await (await post(linked, '{ hello }', { traceparent: '00-00000000000000000000000000000000-00f067aa0ba902b7-01' })).text();
    const spans = await serverSpans(2);
    expect(spans.map((s) => s.links)).toEqual([[], []]);
    expect(spans.map((s) => s.parentSpanContext)).toEqual([undefined, undefined]);
  });

  it('takes its name from the method (a GET of a persisted query is traced too)', async () => {
    await (await fetch(`${traced.origin}/graphql?query=${encodeURIComponent('{ hello }')}`, { headers: { 'apollo-require-preflight': 'true' } })).text();
    const [span] = await serverSpans(1);
    expect(span!.name).toBe('GET /graphql');
  });

  it('is an ERROR on a 5xx answer, and carries a refusal before Apollo as its status', async () => {
    ready = false;
    expect((await post(traced, '{ hello }')).status).toBe(503);
    ready = true;
    expect((await post(traced, '{ hello }', { 'x-refuse': '1' })).status).toBe(429);
    const [unavailable, refused] = await serverSpans(2);
    expect(unavailable!.status.code).toBe(SpanStatusCode.ERROR);
    expect(unavailable!.attributes).toMatchObject({ 'http.response.status_code': 503, 'error.type': '503' });
    expect(refused!.status.code).toBe(SpanStatusCode.UNSET);
    expect(refused!.attributes['http.response.status_code']).toBe(429);
  });

  it('ends when the client goes away before its answer, without a status code', async () => {
    const inResolver = new Promise<void>((resolve) => (entered = resolve));
    const socket = connect({ host: '127.0.0.1', port: traced.port });
    const body = JSON.stringify({ query: '{ slow }' });
    socket.write(`POST /graphql HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    await inResolver;
    socket.destroy();
    const [span] = await serverSpans(1);
    release();
    expect(span!.attributes['http.response.status_code']).toBeUndefined();
    expect(span!.events.map((e) => e.name)).toEqual(['client went away before the answer was sent']);
  });

  it('is not made for health, extra routes, unknown paths, or a handler that names no service', async () => {
    for (const path of ['/healthz', '/readyz', '/extra', '/nowhere']) await (await fetch(`${traced.origin}${path}`)).text();
    expect((await post(untraced, '{ hello }')).status).toBe(200);
    await tracing.forceFlush();
    expect(exporter.getFinishedSpans()).toEqual([]);
  });
});
