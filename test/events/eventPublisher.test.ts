import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEventPublisher } from '../../platform/events/createEventPublisher.js';
import { createEventSender } from '../../platform/events/createEventSender.js';
import type { ServiceEvent } from '../../platform/events/ServiceEvent.js';
import { createLogger } from '../../platform/log/createLogger.js';
import { SANDBOX_EVENTS_SECRET } from '../../platform/registry/services.js';
import { waitFor } from '../payments/paymentsStack.js';
import { startEventReceiver, type EventReceiver } from '../harness/startEventReceiver.js';

function event(): ServiceEvent {
  return {
    id: `review:rev_${randomBytes(6).toString('hex')}`,
    type: 'review.created',
    occurredAt: new Date().toISOString(),
    data: { reviewId: 'rev_1', productId: 'prod_0001', authorId: 'usr_1' },
  };
}

/** A logger whose lines the test reads (what was dropped, and why). */
function capturingLogger(): { logger: ReturnType<typeof createLogger>; lines: () => { msg: string; eventId?: string; why?: string }[] } {
  const out: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      out.push(...chunk.toString('utf8').split('\n').filter((l) => l.length > 0));
      done();
    },
  });
  return { logger: createLogger({ service: 'publisher-test', level: 'info', destination }), lines: () => out.map((l) => JSON.parse(l) as { msg: string }) };
}

describe('createEventPublisher: best-effort delivery in the background for a producer without a store', () => {
  let receiver: EventReceiver;
  beforeAll(async () => {
    receiver = await startEventReceiver();
  });
  afterAll(() => receiver.close());
  beforeEach(() => receiver.answerWith(null));

  const publisherTo = (url: string, logger: ReturnType<typeof createLogger>, attempts = 4) =>
    createEventPublisher({ sender: createEventSender({ url, secret: SANDBOX_EVENTS_SECRET, timeoutMs: 2000, logger }), attempts, baseDelayMs: 20, maxDelayMs: 100, logger });

  it('retries a consumer answering 503 (its Retry-After capped) and delivers once it is back: one event stored', async () => {
    const { logger } = capturingLogger();
    const publisher = publisherTo(receiver.url, logger);
    try {
      receiver.answerWith(503, 1);
      const e = event();
      publisher.publish(e, 'req-pub-1');
      await waitFor('a 503', async () => (receiver.deliveries.some((d) => d.headers['webhook-id'] === e.id && d.status === 503) ? true : undefined));
      receiver.answerWith(null);
      await waitFor('the event', async () => receiver.events.find((s) => s.id === e.id));
      expect(receiver.deliveries.filter((d) => d.headers['webhook-id'] === e.id && d.status === 200)).toHaveLength(1);
    } finally {
      await publisher.close();
    }
  });

  it('gives up after its attempts and logs the dropped event', async () => {
    const { logger, lines } = capturingLogger();
    const publisher = publisherTo(receiver.url, logger, 3);
    try {
      receiver.answerWith(500);
      const e = event();
      publisher.publish(e);
      const dropped = await waitFor('the drop', async () => lines().find((l) => l.msg === 'service event dropped' && l.eventId === e.id));
      expect(dropped.why).toBe('not delivered after 3 attempts');
      expect(receiver.deliveries.filter((d) => d.headers['webhook-id'] === e.id)).toHaveLength(3);
    } finally {
      await publisher.close();
    }
  });

  it('does not retry a refused event (4xx), and logs it as dropped', async () => {
    const { logger, lines } = capturingLogger();
    const publisher = publisherTo(receiver.url, logger);
    try {
      receiver.answerWith(400);
      const e = event();
      publisher.publish(e);
      const dropped = await waitFor('the drop', async () => lines().find((l) => l.msg === 'service event dropped' && l.eventId === e.id));
      expect(dropped.why).toBe('refused by its consumer');
      await publisher.close();
      expect(receiver.deliveries.filter((d) => d.headers['webhook-id'] === e.id)).toHaveLength(1);
    } finally {
      await publisher.close();
    }
  });

  it('on close, drops (and logs) what still waits for a retry: a consumer that is down loses the event', async () => {
    const gone = await startEventReceiver();
    await gone.close();
    const { logger, lines } = capturingLogger();
    const publisher = createEventPublisher({
      sender: createEventSender({ url: gone.url, secret: SANDBOX_EVENTS_SECRET, timeoutMs: 2000, logger }),
      attempts: 5,
      baseDelayMs: 60_000,
      logger,
    });
    const e = event();
    publisher.publish(e);
    await waitFor('a failed attempt', async () => (lines().some((l) => l.msg === 'service event not delivered: will retry' && l.eventId === e.id) ? true : undefined));
    await publisher.close();
    expect(lines().find((l) => l.msg === 'service event dropped' && l.eventId === e.id)?.why).toBe('the process is stopping');
  });
});
