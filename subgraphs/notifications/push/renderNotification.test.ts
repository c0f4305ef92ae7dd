import { describe, expect, it } from 'vitest';
import type { ServiceEvent } from '../../../platform/events/ServiceEvent.js';
import { pickLocale, SUPPORTED_LOCALES } from './notificationTexts.js';
import { renderNotification, toPushMessage } from './renderNotification.js';

const ORDER_ID = 'ord_7Hq2Lm9XzP4k';
const orderEvent = (type: string, status: string): ServiceEvent => ({
  id: `order:${ORDER_ID}:${status}`,
  type,
  occurredAt: '2026-01-15T12:00:00Z',
  data: { orderId: ORDER_ID, userId: 'usr_alice_smith_1987', status },
});
const reviewEvent: ServiceEvent = {
  id: 'review:rev_123',
  type: 'review.created',
  occurredAt: '2026-01-15T12:00:00Z',
  data: { reviewId: 'rev_123', productId: 'prd_42', authorId: 'usr_bob_jones' },
};
const ORDER_EVENTS = [orderEvent('order.paid', 'PAID'), orderEvent('order.payment_failed', 'FAILED'), orderEvent('order.refunded', 'REFUNDED')];

describe('renderNotification', () => {
  it('renders an order update: short reference in the text, ids-only data, one collapse id per order', () => {
    expect(renderNotification(ORDER_EVENTS[0] as ServiceEvent, 'en')).toEqual({
      category: 'ORDER_UPDATES',
      title: 'Payment received',
      body: 'Order …9XzP4k is paid. Tap for details.',
      collapseId: `order-${ORDER_ID}`,
      data: { kind: 'order', orderId: ORDER_ID },
      priority: 'high',
      ttlSeconds: 86_400,
    });
    // Paid, failed and refunded replace one another on the lock screen.
    expect(new Set(ORDER_EVENTS.map((e) => renderNotification(e, 'en')?.collapseId))).toEqual(new Set([`order-${ORDER_ID}`]));
    expect(renderNotification(ORDER_EVENTS[2] as ServiceEvent, 'en')).toMatchObject({ title: 'Refund issued', priority: 'normal' });
  });

  it('renders a new review on a product: its own collapse id, category and data', () => {
    expect(renderNotification(reviewEvent, 'en')).toEqual({
      category: 'REVIEW_ACTIVITY',
      title: 'New review',
      body: 'A product you reviewed has a new review. Tap to read it.',
      collapseId: 'product-reviews-prd_42',
      data: { kind: 'product', productId: 'prd_42' },
      priority: 'normal',
      ttlSeconds: 3 * 86_400,
    });
  });

  it.each([
    ['en', 'Payment failed', 'The payment for order …'],
    ['fr', 'Échec du paiement', 'Le paiement de la commande …'],
    ['de', 'Zahlung fehlgeschlagen', 'Die Zahlung für Bestellung …'],
    ['es', 'Pago fallido', 'El pago del pedido …'],
  ])('speaks %s', (locale, title, bodyStart) => {
    const r = renderNotification(ORDER_EVENTS[1] as ServiceEvent, locale);
    expect(r?.title).toBe(title);
    expect(r?.body.startsWith(bodyStart)).toBe(true);
    expect(r?.body).toContain(ORDER_ID.slice(-6));
  });

  it('picks the locale by exact tag, then language, then English', () => {
    expect(['fr', 'fr-CA', 'FR_ca', 'de-AT', 'es-419', 'pt-BR', 'zh-Hant-TW', '', 'e'].map(pickLocale)).toEqual(['fr', 'fr', 'fr', 'de', 'es', 'en', 'en', 'en', 'en']);
    expect(renderNotification(reviewEvent, 'es-MX')?.title).toBe('Nueva reseña');
    expect(renderNotification(reviewEvent, 'ja-JP')?.title).toBe('New review');
  });

  it('is lock-screen safe: no user or author id, no full order id, in any locale, for any event', () => {
    for (const locale of SUPPORTED_LOCALES) {
      for (const event of [...ORDER_EVENTS, reviewEvent]) {
        const r = renderNotification(event, locale);
        if (r === null) throw new Error(`${event.type} renders`);
        const shown = `${r.title} ${r.body}`;
        const everything = `${shown} ${JSON.stringify(r.data)} ${r.collapseId}`;
        for (const personal of ['usr_alice_smith_1987', 'usr_bob_jones', 'alice', 'bob', 'rev_123']) expect(everything).not.toContain(personal);
        expect(Object.keys(r.data).sort()).toEqual(event.type === 'review.created' ? ['kind', 'productId'] : ['kind', 'orderId']);
        // The lock screen shows at most the short reference, never the whole order id.
        expect(shown).not.toContain(ORDER_ID);
        expect(shown).not.toMatch(/\d+[.,]\d\d|[$€£]/); // no amounts
      }
    }
  });

  it('renders nothing for an event it does not notify, or one without a usable id', () => {
    expect(renderNotification({ ...reviewEvent, type: 'review.deleted' }, 'en')).toBeNull();
    expect(renderNotification({ ...reviewEvent, type: 'toString.x' }, 'en')).toBeNull();
    expect(renderNotification({ ...reviewEvent, data: { reviewId: 'rev_1', authorId: 'usr_1' } }, 'en')).toBeNull();
    expect(renderNotification({ ...(ORDER_EVENTS[0] as ServiceEvent), data: { orderId: 'ord 1\r\nx-injected: 1', userId: 'u', status: 'PAID' } }, 'en')).toBeNull();
    expect(renderNotification({ ...(ORDER_EVENTS[0] as ServiceEvent), data: { orderId: 42, userId: 'u', status: 'PAID' } }, 'en')).toBeNull();
  });

  it('keeps collapse ids within APNs’ 64 bytes, one per subject even for long ids', () => {
    const long = `ord_${'a'.repeat(120)}`;
    const other = `ord_${'a'.repeat(119)}b`;
    const a = renderNotification({ ...(ORDER_EVENTS[0] as ServiceEvent), data: { orderId: long, userId: 'u', status: 'PAID' } }, 'en');
    const b = renderNotification({ ...(ORDER_EVENTS[2] as ServiceEvent), data: { orderId: long, userId: 'u', status: 'REFUNDED' } }, 'en');
    const c = renderNotification({ ...(ORDER_EVENTS[0] as ServiceEvent), data: { orderId: other, userId: 'u', status: 'PAID' } }, 'en');
    expect(Buffer.byteLength(a?.collapseId ?? '')).toBeLessThanOrEqual(64);
    expect(a?.collapseId).toMatch(/^order-[0-9a-f]{58}$/);
    expect(b?.collapseId).toBe(a?.collapseId);
    expect(c?.collapseId).not.toBe(a?.collapseId);
  });

  it('toPushMessage: the delivery deadline is now + ttl, the rest as rendered', () => {
    const r = renderNotification(ORDER_EVENTS[0] as ServiceEvent, 'en');
    if (r === null) throw new Error('renders');
    const at = Date.UTC(2026, 0, 15, 12);
    expect(toPushMessage(r, at)).toEqual({ title: r.title, body: r.body, collapseId: r.collapseId, data: r.data, priority: 'high', expiresAt: new Date(at + 86_400_000) });
    expect(toPushMessage(r, new Date(at)).expiresAt).toEqual(new Date(at + 86_400_000));
  });
});
