import { performance } from 'node:perf_hooks';
import { runMigrations } from '../../platform/db/runMigrations.js';
import { createLogger } from '../../platform/log/createLogger.js';
import { sandboxVendorEntry } from '../../platform/registry/services.js';
import { renderNotification } from '../../subgraphs/notifications/push/renderNotification.js';
import { notificationsMigrations } from '../../subgraphs/notifications/store/migrations.js';
import { DeviceStore } from '../../subgraphs/notifications/store/DeviceStore.js';
import { paymentsMigrations } from '../../subgraphs/payments/store/migrations.js';
import { OrderStore } from '../../subgraphs/payments/store/OrderStore.js';
import type { SpawnedEntry } from '../../test/harness/spawnEntry.js';
import { eventsOf } from '../../test/durability/paymentEventPlan.js';
import { startPushConsumer, type RunningPushConsumer } from '../../test/durability/pushConsumer.js';
import { registerPushDevices } from '../../test/durability/pushDevices.js';
import { startPushSandboxPair, type PushSandboxPair, type ReceivedPush } from '../../test/durability/pushSandboxPair.js';
import { startPushWorker, stopPushWorker } from '../../test/durability/pushWorkerProcess.js';
import { seededRandom } from '../../test/durability/seededRandom.js';
import { seedOrders } from '../../test/durability/seedOrders.js';
import { sendDeliveries } from '../../test/durability/sendDeliveries.js';
import { startPaymentsService, type RunningPaymentsService } from '../../test/durability/startPaymentsService.js';
import { waitUntil } from '../../test/durability/waitUntil.js';
import { latencyFigures, type LatencyFigures } from './latencyFigures.js';
import { createPushPathStores, type PushPathStores } from './pushPathStores.js';

export interface PushPathOptions {
  readonly databaseUrl: string | undefined;
  readonly orders: number;
  /** Each paying user has 1..this many phones. */
  readonly maxDevicesPerUser: number;
  /** Worker processes of the notifications service (PostgreSQL); 1 on the embedded store, in the service's process. */
  readonly replicas: number;
  /** NOTIFICATIONS_WORKERS of each replica. */
  readonly workersPerReplica: number;
  /** PAYMENTS_INBOX_WORKERS (they run the outbox relay too). */
  readonly paymentsWorkers: number;
  /** Webhooks in flight at once. */
  readonly concurrency: number;
  /** Open loop at this many orders paid per second (a steady day); undefined: all at once, as fast as they are taken (a burst). */
  readonly ratePerS?: number;
  /** Both push sandboxes answer after this long (ms). */
  readonly pushLatencyMs: number;
  readonly pollMs: number;
  readonly seed: number;
  readonly drainTimeoutMs: number;
  readonly log: (line: string) => void;
}

export interface PushPathFigures {
  readonly store: PushPathStores['kind'];
  readonly replicas: number;
  readonly orders: number;
  readonly devices: number;
  readonly pushesDue: number;
  readonly pushes: number;
  /** (device, order) pairs pushed more than once. */
  readonly duplicates: number;
  /** Orders paid (PAID) per second: first webhook sent to last push received. */
  readonly eventsPerS: number;
  readonly pushesPerS: number;
  /** Webhook that paid the order sent → push received at the sandbox. */
  readonly latency: LatencyFigures;
  /** The same path in stages: webhook sent → order PAID (payments' inbox worker) → event stored at notifications (the outbox relay) → push received (the notifications worker). */
  readonly stages: { readonly toPaid: LatencyFigures; readonly toConsumer: LatencyFigures; readonly toPush: LatencyFigures };
  /** Deliveries by status in the notifications store. */
  readonly deliveries: Readonly<Record<string, number>>;
}

const PAYMENTS_SECRET = sandboxVendorEntry('payments').secrets?.[0];
const silent = createLogger({ service: 'bench-push', level: 'silent' });

/**
 * One run of the push path as production wires it, every hop real HTTP on loopback: signed
 * payment-vendor webhooks (`payment_intent.succeeded`) for orders seeded awaiting payment →
 * the payments service (webhook inbox, its worker moves the order to PAID and enqueues
 * `order.paid` in the same transaction) → its outbox relay → the notifications service's
 * events route → the notifications workers (PostgreSQL: `replicas` worker processes beside a
 * receipt-only service; embedded: in the service) → the FCM and APNs sandboxes, whose logs
 * say when each push arrived. Payments, notifications and the sandboxes run in this process.
 * Everything it starts it stops; its stores are removed.
 */
export async function measurePushPath(options: PushPathOptions): Promise<PushPathFigures> {
  if (PAYMENTS_SECRET === undefined) throw new Error('the registry has no default webhook secret for payments');
  const { log } = options;
  const random = seededRandom(options.seed);
  const stores = await createPushPathStores(options.databaseUrl);
  const embedded = stores.kind === 'embedded';
  let pair: PushSandboxPair | undefined;
  let consumer: RunningPushConsumer | undefined;
  let payments: RunningPaymentsService | undefined;
  const workers: SpawnedEntry[] = [];
  const stopAll = async () => {
    const stops = await Promise.allSettled([payments?.close(), ...workers.map((w) => stopPushWorker(w))]);
    payments = undefined;
    workers.length = 0;
    stops.push(...(await Promise.allSettled([consumer?.close()])));
    consumer = undefined;
    for (const r of stops) if (r.status === 'rejected') log(`did not stop cleanly: ${String(r.reason)}`);
  };
  try {
    // Seeded before the services start (the embedded store takes one process at a time).
    const payDb = await stores.open('payments');
    await runMigrations(payDb, paymentsMigrations, silent);
    const orders = await seedOrders(new OrderStore(payDb), random, options.orders);
    const ownerOf = new Map((await payDb.query<{ id: string; user_id: string }>('SELECT id, user_id FROM orders')).rows.map((r) => [r.id, r.user_id]));
    await payDb.close();
    const notifDb = await stores.open('notifications');
    await runMigrations(notifDb, notificationsMigrations, silent);
    const userIds = [...new Set(ownerOf.values())].sort();
    const devices = await registerPushDevices(new DeviceStore(notifDb, 10), random, { userIds, maxPerUser: options.maxDevicesPerUser });
    await notifDb.close();
    const devicesOf = new Map<string, number>();
    for (const d of devices) devicesOf.set(d.userId, (devicesOf.get(d.userId) ?? 0) + 1);
    const pushesDue = orders.reduce((n, o) => n + (devicesOf.get(ownerOf.get(o.id)!) ?? 0), 0);
    const collapseOf = new Map<string, string>();
    for (const o of orders) {
      const rendered = renderNotification({ id: `order:${o.id}:PAID`, type: 'order.paid', occurredAt: new Date().toISOString(), data: { orderId: o.id, userId: 'x', status: 'PAID' } }, 'en');
      collapseOf.set(rendered!.collapseId, o.id);
    }

    pair = await startPushSandboxPair({ latencyMs: options.pushLatencyMs, jitterMs: 0 });
    const poll = String(options.pollMs);
    const notificationsEnv = {
      ...stores.env('notifications'),
      ...pair.env,
      NOTIFICATIONS_POLL_MS: poll,
      NOTIFICATIONS_WORKERS: embedded ? String(options.workersPerReplica) : '0',
    };
    consumer = await startPushConsumer(notificationsEnv);
    if (!embedded) for (let i = 0; i < options.replicas; i++) workers.push(await startPushWorker(notificationsEnv, options.workersPerReplica));
    payments = await startPaymentsService({
      ...stores.env('payments'),
      PAYMENTS_EVENTS_URL: consumer.eventsUrl,
      PAYMENTS_INBOX_WORKERS: String(options.paymentsWorkers),
      PAYMENTS_INBOX_POLL_MS: poll,
      // The reconciler would ask the payment vendor (not running here) about orders: out of the way.
      PAYMENTS_RECONCILE_AFTER_MS: '86400000',
    });
    log(`${orders.length} orders of ${userIds.length} users, ${devices.length} devices, ${pushesDue} pushes due; sending the webhooks that pay them`);

    const createdAt = Math.floor(Date.now() / 1000);
    const webhooks = orders.map((o) => eventsOf(o, ['succeeded'], random, createdAt)[0]!);
    const orderOfWebhook = new Map(webhooks.map((w) => [w.id, w.orderId]));
    const paidSentAt = new Map<string, number>();
    const webhookUrl = payments.webhookUrl;
    const outcomes = await sendDeliveries(webhooks, {
      url: () => webhookUrl,
      secret: PAYMENTS_SECRET,
      concurrency: options.concurrency,
      ...(options.ratePerS === undefined ? {} : { ratePerS: options.ratePerS }),
      // The moment the webhook left (epoch ms): when payments was told the order is paid.
      onDone: (o) => paidSentAt.set(orderOfWebhook.get(o.eventId)!, performance.timeOrigin + o.at - o.ms),
    });
    const refused = outcomes.filter((o) => o.status !== 200).length;
    if (refused > 0) log(`${refused} webhooks not accepted`);
    const pushed = () => pair!.fcm.push.messages().count + pair!.apns.apns.notifications().count;
    await waitUntil(async () => pushed() >= pushesDue, { timeoutMs: options.drainTimeoutMs, what: `${pushesDue} pushes at the sandboxes`, intervalMs: 50 }).catch((err: unknown) =>
      log(String(err)),
    );
    // A push sent twice would come after the last one due: give it time to show.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const received: ReceivedPush[] = pair.received();
    await stopAll();

    const perPair = new Map<string, number>();
    for (const p of received) perPair.set(`${p.token} ${p.collapseId}`, (perPair.get(`${p.token} ${p.collapseId}`) ?? 0) + 1);
    const orderOf = (p: ReceivedPush) => collapseOf.get(p.collapseId ?? '');
    const latencies = received.flatMap((p) => {
      const sent = paidSentAt.get(orderOf(p) ?? '');
      return sent === undefined ? [] : [p.receivedAt - sent];
    });
    const first = Math.min(...paidSentAt.values());
    const spanS = received.length === 0 ? Infinity : (Math.max(...received.map((p) => p.receivedAt)) - first) / 1000;

    // The stages, from the stores' own timestamps (PostgreSQL's and PGlite's clock is this machine's).
    const payRead = await stores.open('payments');
    const paidAt = new Map(
      (await payRead.query<{ order_id: string; at: Date | string }>("SELECT order_id, at FROM order_transitions WHERE to_status = 'PAID'")).rows.map((r) => [r.order_id, new Date(r.at).getTime()]),
    );
    await payRead.close();
    const notifRead = await stores.open('notifications');
    const storedAt = new Map(
      (await notifRead.query<{ id: string; received_at: Date | string }>('SELECT id, received_at FROM events')).rows.map((r) => [r.id, new Date(r.received_at).getTime()]),
    );
    const deliveries = Object.fromEntries(
      (await notifRead.query<{ status: string; n: string }>('SELECT status, count(*) AS n FROM deliveries GROUP BY status')).rows.map((r) => [r.status, Number(r.n)]),
    );
    await notifRead.close();
    const stage = (from: (orderId: string) => number | undefined, to: (orderId: string) => number | undefined) =>
      latencyFigures(orders.flatMap((o) => {
        const [a, b] = [from(o.id), to(o.id)];
        return a === undefined || b === undefined ? [] : [b - a];
      }));
    const firstPush = new Map<string, number>();
    for (const p of received) {
      const id = orderOf(p);
      if (id !== undefined) firstPush.set(id, Math.min(firstPush.get(id) ?? Infinity, p.receivedAt));
    }
    return {
      store: stores.kind,
      replicas: options.replicas,
      orders: orders.length,
      devices: devices.length,
      pushesDue,
      pushes: received.length,
      duplicates: [...perPair.values()].filter((n) => n > 1).length,
      eventsPerS: new Set(received.map(orderOf)).size / spanS,
      pushesPerS: received.length / spanS,
      latency: latencyFigures(latencies),
      stages: {
        toPaid: stage((id) => paidSentAt.get(id), (id) => paidAt.get(id)),
        toConsumer: stage((id) => paidAt.get(id), (id) => storedAt.get(`order:${id}:PAID`)),
        toPush: stage((id) => storedAt.get(`order:${id}:PAID`), (id) => firstPush.get(id)),
      },
      deliveries,
    };
  } finally {
    await stopAll();
    await pair?.close();
    await stores.dispose();
  }
}
