import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderNotification } from '../../subgraphs/notifications/push/renderNotification.js';
import { findLeaks } from '../harness/leaks.js';
import {
  apnsToken,
  fcmToken,
  orderEvent,
  postEvent,
  reviewEvent,
  startNotificationsStack,
  waitFor,
  waitForProcessed,
  type NotificationsStack,
} from './notificationsStack.js';
import { MARK_READ, MY_DEVICES, MY_NOTIFICATIONS, REGISTER, SET_PREFERENCE } from './operations.js';
import { pushSandboxes, type PushSandboxes } from './pushSandboxes.js';

const orderId = () => `ord_${randomBytes(10).toString('hex')}`;

/**
 * The consumer across real boundaries: signed events POSTed to the notifications service's
 * events route (as the producers' outboxes do), the workers, the real push layer, and the FCM
 * and APNs sandboxes, whose logs are the count of what reached a phone.
 */
describe('pushes on events', () => {
  let n: NotificationsStack;
  let push: PushSandboxes;
  beforeAll(async () => {
    n = await startNotificationsStack();
    push = pushSandboxes({ fcm: n.sandbox.vendor('fcm').url, apns: n.sandbox.vendor('apns').url });
  });
  afterAll(async () => {
    await n?.close();
  });

  const register = async (sub: string, platform: 'IOS' | 'ANDROID', token: string, locale = 'en-US') => {
    const res = await n.as(sub, REGISTER, { platform, token, locale, appVersion: '3.4.0' });
    expect(res.json.errors, JSON.stringify(res.json.errors)).toBeUndefined();
  };
  const accepted = async (event: Parameters<typeof postEvent>[1], duplicate = false) => {
    const res = await postEvent(n.eventsUrl, event);
    expect(res).toEqual({ status: 200, body: { received: true, duplicate } });
  };

  it('order.paid: exactly one push per device, on its platform, with the collapse id; a second delivery of the event pushes nothing', async () => {
    const ios = apnsToken();
    const android = fcmToken();
    await register('usr_0201', 'IOS', ios, 'en-US');
    await register('usr_0201', 'ANDROID', android, 'de-DE');
    const event = orderEvent(orderId(), 'usr_0201', 'PAID');
    await accepted(event);
    expect((await waitForProcessed(n.db(), event.id)).map((d) => d.status)).toEqual(['sent', 'sent']);

    const apns = await push.apns(ios);
    const fcm = await push.fcm(android);
    expect(apns).toHaveLength(1);
    expect(fcm).toHaveLength(1);
    expect(apns[0]?.collapseId).toBe(renderNotification(event, 'en-US')?.collapseId);
    expect(fcm[0]?.collapseKey).toBe(renderNotification(event, 'de-DE')?.collapseId);
    expect(apns[0]?.payload.aps?.alert?.title).toBe(renderNotification(event, 'en-US')?.title);
    expect(fcm[0]?.notification?.title).toBe(renderNotification(event, 'de-DE')?.title);

    await accepted(event, true);
    // The duplicate is acknowledged and stored nowhere: one event row, no new job, no push.
    const { rows } = await n.db().query<{ n: string }>('SELECT count(*) AS n FROM events WHERE id = $1', [event.id]);
    expect(Number(rows[0]?.n)).toBe(1);
    expect(await push.count([ios, android])).toBe(2);
  });

  it('myNotifications shows the notification as rendered for the user\'s device, links to the order, and can be marked read', async () => {
    await register('usr_0202', 'ANDROID', fcmToken(), 'fr-FR');
    const order = orderId();
    const paid = orderEvent(order, 'usr_0202', 'PAID');
    const refunded = orderEvent(order, 'usr_0202', 'REFUNDED');
    await accepted(paid);
    await waitForProcessed(n.db(), paid.id);
    await accepted(refunded);
    await waitForProcessed(n.db(), refunded.id);

    const res = await n.as('usr_0202', MY_NOTIFICATIONS, { first: 1 });
    expect(findLeaks(res.text, n.sandbox)).toEqual([]);
    const page = res.json.data.myNotifications;
    const expected = renderNotification(refunded, 'fr-FR');
    expect(page.edges).toHaveLength(1);
    expect(page.edges[0].node).toMatchObject({ category: 'ORDER_UPDATES', title: expected?.title, body: expected?.body, orderId: order, productId: null, readAt: null });
    expect(page.pageInfo.hasNextPage).toBe(true);
    const next = (await n.as('usr_0202', MY_NOTIFICATIONS, { first: 5, after: page.pageInfo.endCursor })).json.data.myNotifications;
    expect(next.edges.map((e: { node: { title: string } }) => e.node.title)).toEqual([renderNotification(paid, 'fr-FR')?.title]);
    expect(next.pageInfo.hasNextPage).toBe(false);

    const ids = [page.edges[0].node.id, next.edges[0].node.id];
    const read = (await n.as('usr_0202', MARK_READ, { ids })).json.data.markNotificationsRead;
    expect(read.map((r: { id: string }) => r.id)).toEqual(ids);
    expect(read.every((r: { readAt: string | null }) => typeof r.readAt === 'string')).toBe(true);
    // Someone else's ids mark nothing and show nothing.
    expect((await n.as('usr_0203', MARK_READ, { ids })).json.data.markNotificationsRead).toEqual([]);
    expect((await n.as('usr_0203', MY_NOTIFICATIONS, { first: 5 })).json.data.myNotifications.edges).toEqual([]);
  });

  it('a muted category gets no push and no inbox row; turned on again, the next event is pushed', async () => {
    const token = fcmToken();
    await register('usr_0204', 'ANDROID', token);
    await n.as('usr_0204', SET_PREFERENCE, { category: 'ORDER_UPDATES', enabled: false });
    const muted = orderEvent(orderId(), 'usr_0204', 'PAID');
    await accepted(muted);
    expect(await waitForProcessed(n.db(), muted.id)).toEqual([]);
    expect(await push.fcm(token)).toEqual([]);
    expect((await n.as('usr_0204', MY_NOTIFICATIONS, { first: 5 })).json.data.myNotifications.edges).toEqual([]);

    await n.as('usr_0204', SET_PREFERENCE, { category: 'ORDER_UPDATES', enabled: true });
    const heard = orderEvent(orderId(), 'usr_0204', 'FAILED');
    await accepted(heard);
    await waitForProcessed(n.db(), heard.id);
    expect(await push.fcm(token)).toHaveLength(1);
  });

  it.each(['IOS', 'ANDROID'] as const)('%s: a token the push service calls unregistered is removed from myDevices; the other device still gets its push', async (platform) => {
    const dead = platform === 'IOS' ? apnsToken() : fcmToken();
    const alive = fcmToken();
    const sub = platform === 'IOS' ? 'usr_0205' : 'usr_0206';
    await register(sub, platform, dead);
    await register(sub, 'ANDROID', alive);
    await push.unregister(platform, dead);
    const event = orderEvent(orderId(), sub, 'PAID');
    await accepted(event);
    const deliveries = await waitForProcessed(n.db(), event.id);
    expect(deliveries.find((d) => d.device_token === dead)?.status).toBe('unregistered');
    expect(deliveries.find((d) => d.device_token === alive)?.status).toBe('sent');
    const devices = (await n.as(sub, MY_DEVICES)).json.data.myDevices;
    expect(devices).toHaveLength(1);
    const { rows } = await n.db().query('SELECT token FROM devices WHERE token = $1', [dead]);
    expect(rows).toEqual([]);
    expect(await push.fcm(alive)).toHaveLength(1);
  });

  it('IOS: a token APNs calls unregistered since a time before the phone registered it again is kept (only that push is lost)', async () => {
    const token = apnsToken();
    await register('usr_0211', 'IOS', token);
    // APNs' 410 carries when the token stopped being valid: here, an hour before this registration.
    const res = await fetch(`${n.sandbox.vendor('apns').url}/__sandbox/devices/unregister`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, timestamp: Date.now() - 3_600_000 }),
    });
    expect(res.status).toBe(200);
    const event = orderEvent(orderId(), 'usr_0211', 'PAID');
    await accepted(event);
    expect((await waitForProcessed(n.db(), event.id)).map((d) => d.status)).toEqual(['unregistered']);
    const { rows } = await n.db().query('SELECT token FROM devices WHERE token = $1', [token]);
    expect(rows).toEqual([{ token }]);
    expect((await n.as('usr_0211', MY_DEVICES)).json.data.myDevices).toHaveLength(1);
  });

  it('review.created: the product\'s earlier reviewers are pushed, the author is not', async () => {
    const product = `prod_${randomBytes(4).toString('hex')}`;
    const earlier = apnsToken();
    const author = apnsToken();
    await register('usr_0207', 'IOS', earlier);
    await register('usr_0208', 'IOS', author);
    const first = reviewEvent(`rev_${randomBytes(6).toString('hex')}`, product, 'usr_0207', new Date(Date.now() - 60_000));
    await accepted(first);
    // Nobody reviewed it before: nobody is told.
    expect(await waitForProcessed(n.db(), first.id)).toEqual([]);
    const second = reviewEvent(`rev_${randomBytes(6).toString('hex')}`, product, 'usr_0208');
    await accepted(second);
    expect((await waitForProcessed(n.db(), second.id)).map((d) => d.device_token)).toEqual([earlier]);
    const got = await push.apns(earlier);
    expect(got).toHaveLength(1);
    expect(got[0]?.collapseId).toBe(renderNotification(second, 'en-US')?.collapseId);
    expect(await push.apns(author)).toEqual([]);
    const inbox = (await n.as('usr_0207', MY_NOTIFICATIONS, { first: 5 })).json.data.myNotifications.edges;
    expect(inbox.map((e: { node: { productId: string; category: string } }) => [e.node.category, e.node.productId])).toEqual([['REVIEW_ACTIVITY', product]]);
  });

  it('a user without devices still gets the inbox row (in English), and no push is attempted', async () => {
    const event = orderEvent(orderId(), 'usr_0209', 'PAID');
    await accepted(event);
    expect(await waitForProcessed(n.db(), event.id)).toEqual([]);
    const edges = (await n.as('usr_0209', MY_NOTIFICATIONS, { first: 5 })).json.data.myNotifications.edges;
    expect(edges.map((e: { node: { title: string } }) => e.node.title)).toEqual([renderNotification(event, 'en')?.title]);
  });

  it('the events route is not held up by the push vendors: with both down, events are still acknowledged', async () => {
    const token = fcmToken();
    await register('usr_0210', 'ANDROID', token);
    const fcm = n.sandbox.vendor('fcm');
    const apns = n.sandbox.vendor('apns');
    fcm.control.setFaults({ outage: true });
    apns.control.setFaults({ outage: true });
    try {
      const event = orderEvent(orderId(), 'usr_0210', 'PAID');
      await accepted(event);
      // The send was tried and deferred; the event waits for its retry, not the route.
      await waitFor('a deferred push', async () => {
        const { rows } = await n.db().query<{ status: string }>('SELECT status FROM deliveries WHERE event_id = $1', [event.id]);
        return rows[0]?.status === 'retry' ? true : undefined;
      });
    } finally {
      fcm.control.resetFaults();
      apns.control.resetFaults();
    }
  });
});
