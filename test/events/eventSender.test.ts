import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEventSender, type EventSender } from '../../platform/events/createEventSender.js';
import type { ServiceEvent } from '../../platform/events/ServiceEvent.js';
import { createLogger } from '../../platform/log/createLogger.js';
import { SANDBOX_EVENTS_SECRET } from '../../platform/registry/services.js';
import { startEventReceiver, type EventReceiver } from '../harness/startEventReceiver.js';

const logger = createLogger({ service: 'test', level: 'silent' });

function event(): ServiceEvent {
  return {
    id: `review:rev_${randomBytes(6).toString('hex')}`,
    type: 'review.created',
    occurredAt: new Date().toISOString(),
    data: { reviewId: 'rev_1', productId: 'prod_0001', authorId: 'user_1' },
  };
}

/** A server that takes requests and never answers them (a hung consumer). */
async function startHangingServer(): Promise<{ url: string; arrived: () => number; close: () => Promise<void> }> {
  const held: IncomingMessage[] = [];
  const server: Server = createServer((req) => {
    held.push(req);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/events`,
    arrived: () => held.length,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('createEventSender over loopback: what one delivery attempt says to do next', () => {
  let receiver: EventReceiver;
  let sender: EventSender;
  beforeAll(async () => {
    receiver = await startEventReceiver();
    sender = createEventSender({ url: receiver.url, secret: SANDBOX_EVENTS_SECRET, timeoutMs: 5000, logger });
  });
  afterAll(async () => {
    await sender.close();
    await receiver.close();
  });
  beforeEach(() => receiver.answerWith(null));

  it('delivers a signed event that the consumer stores, then reports the second delivery as a duplicate', async () => {
    const e = event();
    expect(await sender.send(e, 'req-1')).toEqual({ outcome: 'delivered' });
    expect(await sender.send(e)).toEqual({ outcome: 'duplicate' });
    expect(receiver.events.filter((s) => s.id === e.id)).toEqual([e]);
    const arrived = receiver.deliveries.filter((d) => d.headers['webhook-id'] === e.id);
    expect(arrived).toHaveLength(2);
    expect(arrived[0]?.headers['x-request-id']).toBe('req-1');
  });

  it('reports a 4xx other than 408 and 429 as refused (sending again cannot help): a wrong secret, a 422', async () => {
    const wrong = createEventSender({ url: receiver.url, secret: `whsec_${randomBytes(32).toString('base64')}`, timeoutMs: 5000, logger });
    try {
      const e = event();
      expect(await wrong.send(e)).toEqual({ outcome: 'refused', status: 400, reason: 'bad_signature' });
      expect(receiver.events.some((s) => s.id === e.id)).toBe(false);
    } finally {
      await wrong.close();
    }
    receiver.answerWith(422);
    expect(await sender.send(event())).toMatchObject({ outcome: 'refused', status: 422 });
  });

  it.each([
    [500, undefined, undefined],
    [503, 7, 7000],
    [429, 3, 3000],
    [408, undefined, undefined],
  ])('reports %i as retry, with the Retry-After (%s s) when given', async (status, retryAfterS, afterMs) => {
    receiver.answerWith(status, retryAfterS);
    const outcome = await sender.send(event());
    expect(outcome).toMatchObject({ outcome: 'retry', status });
    expect(outcome.outcome === 'retry' ? outcome.afterMs : 'not retry').toBe(afterMs);
  });

  it('gives up on a consumer that never answers at its deadline: retry, not a throw', async () => {
    const hanging = await startHangingServer();
    const impatient = createEventSender({ url: hanging.url, secret: SANDBOX_EVENTS_SECRET, timeoutMs: 300, logger });
    try {
      expect(await impatient.send(event())).toEqual({ outcome: 'retry', reason: 'timeout' });
      expect(hanging.arrived()).toBe(1);
    } finally {
      await impatient.close();
      await hanging.close();
    }
  });

  it('reports a refused connection (the consumer is down) as retry', async () => {
    const gone = await startEventReceiver();
    await gone.close();
    const orphan = createEventSender({ url: gone.url, secret: SANDBOX_EVENTS_SECRET, timeoutMs: 5000, logger });
    try {
      expect(await orphan.send(event())).toEqual({ outcome: 'retry', reason: 'ECONNREFUSED' });
    } finally {
      await orphan.close();
    }
  });
});
