import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { propagation, ProxyTracerProvider, trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../platform/config/ConfigError.js';
import { startTracing, type Tracing } from '../../platform/tracing/startTracing.js';
import { capturingLogger } from '../harness/capturingLogger.js';
import { operation } from '../harness/operations.js';
import { startStack, type Stack } from '../harness/startStack.js';

/*
 * startTracing as the entry points call it, against one stack. In this order on purpose: the
 * tracers the services took (proxies of the API) follow the first provider registered after
 * them and keep it; so the one case here that registers a provider is the last to send a query.
 */

/** Nothing registered: the API's proxy with no provider behind it, no propagator. */
function expectNoOpApi(): void {
  const provider = trace.getTracerProvider();
  expect(provider).toBeInstanceOf(ProxyTracerProvider);
  expect((provider as ProxyTracerProvider).getDelegateTracer('probe')).toBeUndefined();
  expect(trace.getTracer('probe').startSpan('probe').isRecording()).toBe(false);
  expect(propagation.fields()).toEqual([]);
}

interface OtlpJsonSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: { key: string; value: { stringValue?: string; intValue?: string | number } }[];
}
interface OtlpJsonExport {
  resourceSpans: { resource: { attributes: { key: string; value: { stringValue?: string } }[] }; scopeSpans: { spans: OtlpJsonSpan[] }[] }[];
}

/** A stand-in OpenTelemetry collector: records every OTLP/HTTP export it is sent. */
async function startOtlpReceiver(): Promise<{ url: string; exports: OtlpJsonExport[]; paths: string[]; close(): Promise<void> }> {
  const exports: OtlpJsonExport[] = [];
  const paths: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      paths.push(`${req.method ?? ''} ${req.url ?? ''} ${req.headers['content-type'] ?? ''}`);
      if (req.method === 'POST' && req.url === '/v1/traces') exports.push(JSON.parse(Buffer.concat(chunks).toString()) as OtlpJsonExport);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    exports,
    paths,
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}

describe('startTracing', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack?.close());

  it('registers nothing without OTEL_* variables, and the graph answers as before', async () => {
    const tracing = startTracing({ service: 'gateway', env: {} });
    expectNoOpApi();
    const res = await stack.query(operation('HomeScreen'), undefined, { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' });
    expect(res.status).toBe(200);
    expect(res.json.data.products.edges.length).toBeGreaterThan(0);
    expectNoOpApi();
    await tracing.shutdown();
  });

  describe('with OTEL_EXPORTER_OTLP_ENDPOINT', () => {
    let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
    let tracing: Tracing | undefined;
    const { lines, logger } = capturingLogger('gateway', 'info');
    beforeAll(async () => {
      receiver = await startOtlpReceiver();
    });
    afterAll(async () => {
      await tracing?.shutdown();
      await receiver.close();
    });

    it('exports the spans of a request to the collector, flushed on shutdown', async () => {
      tracing = startTracing({
        service: 'gateway',
        env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=test,team=mobile%2Cweb' },
        logger,
      });
      const res = await stack.query(operation('HomeScreen'), undefined, { 'x-request-id': 'otlp-1' });
      expect(res.status).toBe(200);
      await tracing.shutdown();
      tracing = undefined;
      expectNoOpApi();

      expect(receiver.paths.every((p) => p === 'POST /v1/traces application/json')).toBe(true);
      const resources = receiver.exports.flatMap((e) => e.resourceSpans);
      expect(resources.length).toBeGreaterThan(0);
      const attributes = Object.fromEntries(resources[0]!.resource.attributes.map((a) => [a.key, a.value.stringValue]));
      expect(attributes).toMatchObject({ 'service.name': 'gateway', 'deployment.environment.name': 'test', team: 'mobile,web' });

      const spans = resources.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
      const attr = (s: OtlpJsonSpan, key: string) => s.attributes?.find((a) => a.key === key)?.value.stringValue;
      const servers = spans.filter((s) => s.name === 'POST /graphql' && attr(s, 'app.request_id') === 'otlp-1');
      expect(servers.map((s) => attr(s, 'app.service')).sort()).toEqual(['accounts', 'catalog', 'gateway', 'reviews']);
      expect(new Set(servers.map((s) => s.traceId)).size).toBe(1);
      expect(spans.some((s) => s.name === 'gateway.request' && s.traceId === servers[0]!.traceId)).toBe(true);
      // Said once at start-up; no export failed.
      expect(lines.filter((l) => l.msg.startsWith('traces exported (otlp)'))).toHaveLength(1);
      expect(lines.filter((l) => l.level >= 40)).toEqual([]);
    });
  });

  it('refuses malformed OTEL_* values, naming every one, and registers nothing', () => {
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318',
      OTEL_TRACES_EXPORTER: 'zipkin',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      OTEL_RESOURCE_ATTRIBUTES: 'team=mobile,broken',
      OTEL_SDK_DISABLED: 'maybe',
      OTEL_TRACES_SAMPLER: 'sometimes',
      OTEL_TRACES_SAMPLER_ARG: '2',
      // A token pasted without its header name: the message must not repeat it.
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'Bearer%20s3cr3t-token',
      OTEL_EXPORTER_OTLP_TIMEOUT: '10s',
      OTEL_EXPORTER_OTLP_COMPRESSION: 'brotli',
    };
    let error: unknown;
    try {
      startTracing({ service: 'gateway', env });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(Object.keys(env).length);
    for (const variable of Object.keys(env)) expect(problems.some((p) => p.startsWith(`${variable}: expected `))).toBe(true);
    expect((error as ConfigError).message).toContain('"broken" is not key=value');
    expect((error as ConfigError).message).toContain('OTEL_EXPORTER_OTLP_TRACES_HEADERS: expected header=value pairs');
    expect((error as ConfigError).message).not.toContain('s3cr3t');
    expectNoOpApi();
  });
});
