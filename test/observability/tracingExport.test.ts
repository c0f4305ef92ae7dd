import { propagation, ProxyTracerProvider, trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../platform/config/ConfigError.js';
import { startTracing, type Tracing } from '../../platform/tracing/startTracing.js';
import { capturingLogger } from '../harness/capturingLogger.js';
import { operation } from '../harness/operations.js';
import { spansOf, startOtlpReceiver, type OtlpJsonSpan, type OtlpReceiver } from '../harness/otlpReceiver.js';
import { startStack, type Stack } from '../harness/startStack.js';
import { thrownBy } from '../harness/thrownBy.js';

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

describe('startTracing', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack?.close());

  it('registers nothing without OTEL_* variables, and the graph answers as before', async () => {
    const tracing = await startTracing({ service: 'gateway', env: {} });
    expectNoOpApi();
    const res = await stack.query(operation('HomeScreen'), undefined, { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' });
    expect(res.status).toBe(200);
    expect(res.json.data.products.edges.length).toBeGreaterThan(0);
    expectNoOpApi();
    await tracing.shutdown();
  });

  describe('with OTEL_EXPORTER_OTLP_ENDPOINT', () => {
    let receiver: OtlpReceiver;
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
      tracing = await startTracing({
        service: 'gateway',
        env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=test,team=mobile%2Cweb' },
        logger,
      });
      const res = await stack.query(operation('HomeScreen'), undefined, { 'x-request-id': 'otlp-1' });
      expect(res.status).toBe(200);
      await tracing.shutdown();
      tracing = undefined;
      expectNoOpApi();

      const paths = receiver.exports.map((e) => `${e.method} ${e.url} ${e.headers['content-type'] ?? ''}`);
      expect(paths.every((p) => p === 'POST /v1/traces application/json')).toBe(true);
      const resources = receiver.exports.flatMap((e) => e.body.resourceSpans);
      expect(resources.length).toBeGreaterThan(0);
      const attributes = Object.fromEntries(resources[0]!.resource.attributes.map((a) => [a.key, a.value.stringValue]));
      expect(attributes).toMatchObject({ 'service.name': 'gateway', 'deployment.environment.name': 'test', team: 'mobile,web' });

      const spans = receiver.exports.flatMap(spansOf);
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
    const error = thrownBy(() => startTracing({ service: 'gateway', env }));
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
