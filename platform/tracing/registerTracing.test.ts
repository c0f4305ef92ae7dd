import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, propagation, ProxyTracerProvider, SpanKind, trace, TraceFlags } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { Agent, fetch as undiciFetch, Pool } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { capturingLogger } from '../../test/harness/capturingLogger.js';
import { registerTracing, type TracingRegistration } from './registerTracing.js';

/** What a server on the other end of an undici request receives. */
async function startHeaderRecorder(): Promise<{ origin: string; received: IncomingHttpHeaders[]; close(): Promise<void> }> {
  const received: IncomingHttpHeaders[] = [];
  const server: Server = createServer((req, res) => {
    received.push(req.headers);
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('registerTracing', () => {
  const exporter = new InMemorySpanExporter();
  const { lines: warnings, logger } = capturingLogger('test', 'warn');
  let tracing: TracingRegistration;
  let recorder: Awaited<ReturnType<typeof startHeaderRecorder>>;
  const pool = { current: undefined as Pool | undefined };
  const agent = new Agent();

  beforeAll(async () => {
    recorder = await startHeaderRecorder();
    tracing = registerTracing({ service: 'test', spanProcessors: [new SimpleSpanProcessor(exporter)], logger, resourceAttributes: { team: 'mobile' } });
    pool.current = new Pool(recorder.origin);
  });
  afterAll(async () => {
    await pool.current?.close();
    await agent.close();
    await tracing?.shutdown();
    await recorder.close();
  });
  beforeEach(() => {
    exporter.reset();
    recorder.received.length = 0;
  });

  it('makes a CLIENT span of every undici request inside a span, and sends its traceparent', async () => {
    const tracer = trace.getTracer('test');
    await tracer.startActiveSpan('parent', async (parent) => {
      // The kit's vendor pools, the gateway's subgraph fetcher (npm undici's fetch on an Agent), and Node's global fetch.
      const answer = await pool.current!.request({ method: 'GET', path: '/pool' });
      await answer.body.text();
      await (await undiciFetch(`${recorder.origin}/fetch`, { method: 'POST', body: '{}', dispatcher: agent })).text();
      await (await fetch(`${recorder.origin}/global`)).text();
      parent.end();
    });
    await tracing.forceFlush();
    const spans = exporter.getFinishedSpans();
    const parent = spans.find((s) => s.name === 'parent')!;
    const clients = spans.filter((s) => s.kind === SpanKind.CLIENT);
    expect(clients.map((s) => s.attributes['url.path'])).toEqual(['/pool', '/fetch', '/global']);
    expect(recorder.received).toHaveLength(3);
    clients.forEach((client, i) => {
      expect(client.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
      expect(recorder.received[i]!.traceparent).toBe(`00-${parent.spanContext().traceId}-${client.spanContext().spanId}-01`);
    });
    // The W3C trace context only: no baggage header, whatever the context holds.
    expect(recorder.received.every((h) => h.baggage === undefined)).toBe(true);
    expect(parent.resource.attributes).toMatchObject({ 'service.name': 'test', team: 'mobile' });
    expect(warnings).toEqual([]);
  });

  it('starts no trace for a request made outside any span, and sends no traceparent', async () => {
    await (await fetch(`${recorder.origin}/background`)).text();
    await tracing.forceFlush();
    expect(exporter.getFinishedSpans()).toEqual([]);
    expect(recorder.received[0]!.traceparent).toBeUndefined();
  });

  it("records nothing of a request under an unsampled span, and sends that span's traceparent with the sampled flag off", async () => {
    const unsampled = trace.wrapSpanContext({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.NONE });
    await context.with(trace.setSpan(context.active(), unsampled), async () => {
      const answer = await pool.current!.request({ method: 'GET', path: '/pool' });
      await answer.body.text();
      await (await undiciFetch(`${recorder.origin}/fetch`, { method: 'POST', body: '{}', dispatcher: agent })).text();
      await (await fetch(`${recorder.origin}/global`)).text();
    });
    await tracing.forceFlush();
    expect(exporter.getFinishedSpans()).toEqual([]);
    // So that the subgraph or vendor follows the decision rather than starting a trace of its own.
    expect(recorder.received.map((h) => h.traceparent)).toEqual(Array(3).fill('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00'));
  });

  it('refuses a second registration while one is active', () => {
    expect(() => registerTracing({ service: 'again', spanProcessors: [] })).toThrow(/already registered/);
  });

  it('puts the API back to its no-op state on shutdown, and can register again', async () => {
    await tracing.shutdown();
    expect(trace.getTracerProvider()).toBeInstanceOf(ProxyTracerProvider);
    expect((trace.getTracerProvider() as ProxyTracerProvider).getDelegateTracer('probe')).toBeUndefined();
    expect(trace.getTracer('probe').startSpan('probe').isRecording()).toBe(false);
    expect(propagation.fields()).toEqual([]);

    // A new exporter: the first one was shut down with its provider.
    const again = new InMemorySpanExporter();
    tracing = registerTracing({ service: 'test', spanProcessors: [new SimpleSpanProcessor(again)] });
    await trace.getTracer('test').startActiveSpan('parent', async (parent) => {
      await (await fetch(`${recorder.origin}/again`)).text();
      parent.end();
    });
    // One CLIENT span and one traceparent: the first registration's instrumentation no longer listens.
    const clients = again.getFinishedSpans().filter((s) => s.kind === SpanKind.CLIENT);
    expect(clients).toHaveLength(1);
    expect(recorder.received[0]!.traceparent).toBe(`00-${clients[0]!.spanContext().traceId}-${clients[0]!.spanContext().spanId}-01`);
  });
});
