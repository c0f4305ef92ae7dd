import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { trace } from '@opentelemetry/api';
import { createLogger } from '../log/createLogger.js';
import { startTracing } from './startTracing.js';

function capturingLogger() {
  const lines: { level: number; msg: string }[] = [];
  const logger = createLogger({
    service: 'catalog',
    level: 'info',
    destination: new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(JSON.parse(chunk.toString()) as { level: number; msg: string });
        done();
      },
    }),
  });
  return { lines, logger };
}

describe('startTracing', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('logs what the SDK itself tolerates (a sampler it does not know) and what is not followed as asked, once each', async () => {
    // The SDK reads the sampler from the process environment itself, as in production.
    vi.stubEnv('OTEL_TRACES_SAMPLER', 'sometimes');
    const { lines, logger } = capturingLogger();
    const tracing = startTracing({ service: 'catalog', env: { OTEL_TRACES_EXPORTER: 'console', OTEL_PROPAGATORS: 'b3' }, logger });
    await tracing.shutdown();

    expect(lines.filter((l) => l.level >= 40).map((l) => l.msg)).toEqual([
      'OTEL_TRACES_SAMPLER value "sometimes" invalid, defaulting to "parentbased_always_on".',
      'OTEL_PROPAGATORS=b3: only tracecontext (W3C) is used; baggage is never taken from clients',
    ]);
    expect(lines.filter((l) => l.level === 30).map((l) => l.msg)).toEqual(['traces exported (console) as service.name=catalog']);
  });

  it('logs a collector that refuses spans once, not once per batch, and still stops cleanly', async () => {
    vi.stubEnv('OTEL_BSP_SCHEDULE_DELAY', '20');
    const collector = createServer((req, res) => req.resume().on('end', () => res.writeHead(400).end()));
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const exports = { count: 0 };
    collector.on('request', () => exports.count++);
    const { lines, logger } = capturingLogger();
    const tracing = startTracing({ service: 'catalog', env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(collector.address() as AddressInfo).port}` }, logger });
    try {
      for (let batch = 1; batch <= 3; batch++) {
        trace.getTracer('test').startSpan('refused').end();
        const deadline = Date.now() + 10_000;
        while (exports.count < batch && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      }
      await tracing.shutdown();
    } finally {
      await new Promise((resolve) => collector.close(resolve));
    }
    expect(exports.count).toBeGreaterThanOrEqual(3);
    const errors = lines.filter((l) => l.level >= 50);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ component: 'opentelemetry', msg: expect.stringMatching(/^OpenTelemetry: /) });
  });
});
