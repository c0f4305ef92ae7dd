import { afterEach, describe, expect, it, vi } from 'vitest';
import { trace } from '@opentelemetry/api';
import { ConfigError } from '../config/ConfigError.js';
import { capturingLogger } from '../../test/harness/capturingLogger.js';
import { spansOf, startOtlpReceiver } from '../../test/harness/otlpReceiver.js';
import { thrownBy } from '../../test/harness/thrownBy.js';
import { startTracing } from './startTracing.js';

async function until(done: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
}

describe('startTracing', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('logs what the SDK itself tolerates (a span limit of process.env that is not a number) and what is not followed as asked, once each', async () => {
    // Span limits are still read by the SDK from the process environment, as in production.
    vi.stubEnv('OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT', 'lots');
    const { lines, logger } = capturingLogger('catalog', 'info');
    const tracing = await startTracing({ service: 'catalog', env: { OTEL_TRACES_EXPORTER: 'console', OTEL_PROPAGATORS: 'b3' }, logger });
    await tracing.shutdown();

    expect(lines.filter((l) => l.level >= 40).map((l) => l.msg)).toEqual([
      "Unknown value 'lots' for OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT, expected a number, using defaults",
      'OTEL_PROPAGATORS=b3: only tracecontext (W3C) is used; baggage is never taken from clients',
    ]);
    expect(lines.filter((l) => l.level === 30).map((l) => l.msg)).toEqual(['traces exported (console) as service.name=catalog']);
  });

  it('takes the sampler and the exporter’s headers, timeout and compression from `env`, whatever process.env says, and never logs the headers', async () => {
    // What the SDK would use if it still read them itself: no spans, no gzip, a timeout no export meets.
    vi.stubEnv('OTEL_TRACES_SAMPLER', 'always_off');
    vi.stubEnv('OTEL_EXPORTER_OTLP_COMPRESSION', 'none');
    vi.stubEnv('OTEL_EXPORTER_OTLP_TIMEOUT', '1');
    const collector = await startOtlpReceiver(200);
    const { lines, logger } = capturingLogger('catalog', 'info');
    try {
      const tracing = await startTracing({
        service: 'catalog',
        env: {
          OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
          OTEL_TRACES_SAMPLER: 'always_on',
          OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Bearer%20s3cr3t-token,x-team=mobile',
          OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'X-Team=web',
          OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip',
          OTEL_EXPORTER_OTLP_TIMEOUT: '60000',
        },
        logger,
      });
      trace.getTracer('test').startSpan('sampled').end();
      await tracing.shutdown();
    } finally {
      await collector.close();
    }

    expect(collector.exports.flatMap((e) => spansOf(e).map((span) => span.name))).toEqual(['sampled']);
    for (const { headers } of collector.exports) {
      expect(headers).toMatchObject({ authorization: 'Bearer s3cr3t-token', 'x-team': 'web', 'content-encoding': 'gzip' });
    }
    expect(lines.filter((l) => l.level >= 40)).toEqual([]);
    expect(lines.find((l) => l.msg.startsWith('traces exported (otlp)'))).toMatchObject({ otlpCompression: 'gzip', sampler: { name: 'always_on', ratio: 1 } });
    expect(JSON.stringify(lines)).not.toContain('s3cr3t');
  });

  it('records nothing with OTEL_TRACES_SAMPLER=always_off in `env`', async () => {
    const collector = await startOtlpReceiver(200);
    let recording: boolean;
    try {
      const tracing = await startTracing({ service: 'catalog', env: { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_TRACES_SAMPLER: 'always_off' } });
      const span = trace.getTracer('test').startSpan('dropped');
      recording = span.isRecording();
      span.end();
      await tracing.shutdown();
    } finally {
      await collector.close();
    }
    expect(recording).toBe(false);
    expect(collector.exports).toEqual([]);
  });

  it('refuses malformed headers without echoing them, and registers nothing', () => {
    const error = thrownBy(() =>
      startTracing({ service: 'catalog', env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer s3cr3t,Bearer%20s3cr3t' } }),
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain('OTEL_EXPORTER_OTLP_HEADERS: expected');
    expect((error as ConfigError).message).toContain('entry 2 is not name=value');
    expect((error as ConfigError).message).not.toContain('s3cr3t');
    expect(trace.getTracer('probe').startSpan('probe').isRecording()).toBe(false);
  });

  it('logs a collector that refuses spans once, not once per batch, and still stops cleanly', async () => {
    vi.stubEnv('OTEL_BSP_SCHEDULE_DELAY', '20');
    const collector = await startOtlpReceiver(400);
    const { lines, logger } = capturingLogger('catalog', 'info');
    const tracing = await startTracing({ service: 'catalog', env: { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url }, logger });
    try {
      for (let batch = 1; batch <= 3; batch++) {
        trace.getTracer('test').startSpan('refused').end();
        await until(() => collector.exports.length >= batch);
      }
      await tracing.shutdown();
    } finally {
      await collector.close();
    }
    expect(collector.exports.length).toBeGreaterThanOrEqual(3);
    const errors = lines.filter((l) => l.level >= 50);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ component: 'opentelemetry', msg: expect.stringMatching(/^OpenTelemetry: /) });
  });
});
