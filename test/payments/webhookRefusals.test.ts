import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setWebhookFaults, webhookStatus, type WebhookAttempt } from '../../vendors/payments/paylaneClient.js';
import {
  CART,
  deliver,
  eventOfType,
  eventsOfIntent,
  inboxCount,
  inboxRows,
  intentIdOf,
  settleWebhooks,
  signed,
  startPaymentsStack,
  strayEvent,
  transitions,
  waitFor,
  waitForProcessed,
  type Delivery,
  type PaymentsStack,
} from './paymentsStack.js';

const otherSecret = () => `whsec_${randomBytes(32).toString('base64')}`;
const minutes = (n: number) => new Date(Date.now() + n * 60_000);

/**
 * The webhook endpoint is an input boundary facing the internet: anything but a genuine,
 * fresh, well-formed delivery is refused with a 4xx and leaves no trace in the store; a
 * refused or failed delivery that the vendor retries lands once the problem is gone.
 */
describe('the webhook endpoint refuses what is not a genuine delivery, and stores nothing for it', () => {
  let p: PaymentsStack;
  beforeAll(async () => {
    p = await startPaymentsStack();
  });
  afterAll(async () => {
    await p?.close();
  });
  afterEach(async () => {
    await settleWebhooks(p);
  });

  /** Posts it, expects `status` and error `code`, and that the inbox did not change. */
  const refused = async (delivery: Delivery, status: number, code: string, method = 'POST') => {
    const eventId = delivery.headers['webhook-id'];
    const before = await inboxCount(p.db());
    const answer = await deliver(p.webhookUrl, delivery, method);
    expect({ status: answer.status, code: (answer.body as { error?: { code?: string } }).error?.code }).toEqual({ status, code });
    expect(await inboxCount(p.db())).toBe(before);
    if (eventId !== undefined) expect(await inboxRows(p.db(), [eventId])).toEqual([]);
    return answer;
  };

  it('accepts a genuine delivery (the control case): 200 once it is stored', async () => {
    const { id, body } = strayEvent();
    const answer = await deliver(p.webhookUrl, signed(body));
    expect([answer.status, answer.body]).toEqual([200, { received: true, duplicate: false }]);
    // Stored before the answer; an event about nothing of ours is kept and marked ignored.
    expect(await inboxRows(p.db(), [id])).toHaveLength(1);
    expect(await waitForProcessed(p.db(), [id])).toEqual([expect.objectContaining({ outcome: 'ignored', applications: 1 })]);
  });

  it('a tampered body', async () => {
    const { body } = strayEvent();
    const genuine = signed(body);
    await refused({ ...genuine, body: body.replace('customer.updated', 'customer.deleted') }, 400, 'bad_signature');
  });

  it('a signature made with another secret, and one of several signatures all wrong', async () => {
    await refused(signed(strayEvent().body, { secrets: [otherSecret()] }), 400, 'bad_signature');
    await refused(signed(strayEvent().body, { secrets: [otherSecret(), otherSecret()] }), 400, 'bad_signature');
    const { body } = strayEvent();
    const noise = { ...signed(body), headers: { ...signed(body).headers, 'webhook-signature': 'v1,AAAA not-a-signature' } };
    await refused(noise, 400, 'bad_signature');
  });

  it('a stale timestamp and one in the future (both correctly signed for it)', async () => {
    await refused(signed(strayEvent().body, { at: minutes(-10) }), 400, 'stale_timestamp');
    await refused(signed(strayEvent().body, { at: minutes(10) }), 400, 'stale_timestamp');
    const { body } = strayEvent();
    const genuine = signed(body);
    await refused({ body, headers: { ...genuine.headers, 'webhook-timestamp': 'yesterday' } }, 400, 'stale_timestamp');
  });

  it.each(['webhook-id', 'webhook-timestamp', 'webhook-signature'])('a missing %s header', async (header) => {
    const delivery = signed(strayEvent().body);
    const headers = Object.fromEntries(Object.entries(delivery.headers).filter(([name]) => name !== header));
    const before = await inboxCount(p.db());
    const answer = await deliver(p.webhookUrl, { body: delivery.body, headers });
    expect([answer.status, (answer.body as { error: { code: string } }).error.code]).toEqual([400, 'missing_headers']);
    expect(await inboxCount(p.db())).toBe(before);
  });

  it('a webhook-id that is not the event id (a genuine signature over another id)', async () => {
    const { body } = strayEvent();
    await refused(signed(body, { id: strayEvent().id }), 400, 'invalid_event');
  });

  it('a body over the cap (413), before reading it all or checking anything else', async () => {
    const { id } = strayEvent();
    const body = JSON.stringify({ id, object: 'event', type: 'customer.updated', created: 1, data: { object: { id: 'cus_1', pad: 'x'.repeat(70_000) } } });
    const delivery = signed(body);
    const before = await inboxCount(p.db());
    // node:http, so that the server's early answer is read even while the body is still being sent.
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(p.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...delivery.headers } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end(body);
    });
    expect(status).toBe(413);
    expect(await inboxCount(p.db())).toBe(before);
    expect(await inboxRows(p.db(), [id])).toEqual([]);
  });

  it('a body that is not JSON, and JSON that is not an event (both correctly signed)', async () => {
    const notJson = { body: 'this is not json', headers: signed('{"id":"evt_notjson1"}').headers };
    const resigned = signed(notJson.body, { id: 'evt_notjson1' });
    await refused(resigned, 400, 'invalid_json');
    await refused(signed(JSON.stringify({ id: 'evt_notanevent1', object: 'charge', amount: 5 })), 400, 'invalid_event');
    await refused(signed(JSON.stringify({ id: 'evt_notanevent2', object: 'event', type: 'Payment Intent!', created: 1, data: { object: { id: 'pi_1' } } })), 400, 'invalid_event');
    await refused(signed(JSON.stringify([1, 2, 3]), { id: 'evt_array1' }), 400, 'invalid_event');
  });

  it('GET (or any method but POST) on the endpoint: 405 with Allow: POST', async () => {
    const answer = await refused(signed(strayEvent().body), 405, 'method_not_allowed', 'GET');
    expect(answer.headers.get('allow')).toBe('POST');
    await refused(signed(strayEvent().body), 405, 'method_not_allowed', 'PUT');
  });

  /** The vendor's attempts at delivering `eventId`, once it has stopped trying. */
  const attemptsOf = (eventId: string): Promise<WebhookAttempt[]> =>
    waitFor(`the vendor's deliveries of ${eventId}`, async () => {
      const status = await webhookStatus(p.vendorUrl);
      const attempts = status.attempts.filter((a) => a.eventId === eventId);
      return status.pending === 0 && attempts.some((a) => a.status === 200) ? attempts : undefined;
    });

  /** A paid order whose webhooks alone must move it (the app never syncs). */
  const payWithoutSync = async (sub: string) => {
    const app = await p.phone(sub);
    const checkout = await app.startCheckout(CART);
    expect(await app.pay(checkout, 'pm_card_visa')).toBe('succeeded');
    return { app, checkout };
  };

  it("the vendor's retry after a bad signature lands once it signs right: stored once, applied once", async () => {
    await setWebhookFaults(p.vendorUrl, { badSignatureNext: 2 });
    const { app, checkout } = await payWithoutSync('usr_0060');
    expect(await app.waitForStatus(checkout.orderId, (s) => s === 'PAID')).toBe('PAID');
    const events = await eventsOfIntent(p, intentIdOf(checkout.clientSecret));
    const refusedOnce = (await Promise.all(events.map((e) => attemptsOf(e.id)))).flat().filter((a) => a.signature === 'bad');
    expect(refusedOnce.map((a) => a.status)).toEqual([400, 400]);
    const rows = await waitForProcessed(
      p.db(),
      events.map((e) => e.id),
    );
    expect(rows.map((r) => r.applications)).toEqual([1, 1]);
    expect(await transitions(p.db(), checkout.orderId)).toHaveLength(1);
  });

  it("the vendor's retry after a stale timestamp lands with a fresh one", async () => {
    await setWebhookFaults(p.vendorUrl, { staleTimestampNext: 2 });
    const { app, checkout } = await payWithoutSync('usr_0061');
    expect(await app.waitForStatus(checkout.orderId, (s) => s === 'PAID')).toBe('PAID');
    const events = await eventsOfIntent(p, intentIdOf(checkout.clientSecret));
    const attempts = (await Promise.all(events.map((e) => attemptsOf(e.id)))).flat();
    expect(attempts.filter((a) => a.stale).map((a) => a.status)).toEqual([400, 400]);
    expect(attempts.filter((a) => !a.stale).map((a) => a.status)).toEqual([200, 200]);
    expect((await inboxRows(p.db(), events.map((e) => e.id))).map((r) => r.applications)).toEqual([1, 1]);
  });

  it("the vendor's retry after our 503 (the store could not take the event) lands once the store is back", async () => {
    const db = p.db();
    // The inbox table out of reach: the write fails, so the delivery is answered 503 and not acknowledged.
    await db.query('ALTER TABLE inbox RENAME TO inbox_unreachable');
    let restored = false;
    try {
      const { app, checkout } = await payWithoutSync('usr_0062');
      const succeededId = eventOfType(await eventsOfIntent(p, intentIdOf(checkout.clientSecret)), 'payment_intent.succeeded').id;
      await waitFor('a 503 to the success event', async () => {
        const status = await webhookStatus(p.vendorUrl);
        return status.attempts.some((a) => a.eventId === succeededId && a.status === 503) ? true : undefined;
      });
      // The vendor's next retries wait while we look (so they cannot all be spent meanwhile).
      await setWebhookFaults(p.vendorUrl, { paused: true });
      expect((await app.order(checkout.orderId))?.status).toBe('PENDING_PAYMENT');
      await db.query('ALTER TABLE inbox_unreachable RENAME TO inbox');
      restored = true;
      await setWebhookFaults(p.vendorUrl, { paused: false });
      expect(await app.waitForStatus(checkout.orderId, (s) => s === 'PAID')).toBe('PAID');
      const attempts = await attemptsOf(succeededId);
      expect(attempts.at(-1)?.status).toBe(200);
      expect(attempts.slice(0, -1).every((a) => a.status === 503)).toBe(true);
      expect(await waitForProcessed(db, [succeededId])).toEqual([expect.objectContaining({ applications: 1, outcome: 'applied' })]);
    } finally {
      if (!restored) await db.query('ALTER TABLE inbox_unreachable RENAME TO inbox');
    }
  });
});
