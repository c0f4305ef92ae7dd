/**
 * `npm run bench:push`: from "order paid" to "push delivered", on loopback, bounded. Orders
 * are seeded awaiting payment; the payment vendor's signed webhooks pay them; payments moves
 * each to PAID and its outbox relay tells notifications, whose workers push through the FCM-
 * and APNs-shaped sandboxes. Latency per push = the sandbox's receipt time − the moment the
 * webhook that paid its order was sent (the order's PAID transition comes a poll later; the
 * stages are printed apart). Same load, side by side: the notifications workers in 1 and in
 * 2 worker processes (replicas) beside a receipt-only service, on PostgreSQL (DATABASE_URL).
 * Without it the embedded store takes one process: 1 replica, in the service's process.
 *
 * Two loads each: paced (--rate orders paid per second, open loop, 20: latency on a steady
 * day) and a burst (every order at once: throughput, and latency as queueing).
 *
 * Flags (or env): --orders (PUSH_BENCH_ORDERS, 500), --rate (20), --max-devices (2 per paying user),
 * --workers (NOTIFICATIONS_WORKERS per replica, 1: the default deployment), --concurrency
 * (16 webhooks in flight), --push-latency (0 ms at the sandboxes), --seed.
 * Writes the table to bench/results/push-<time>.md (gitignored) and nothing else. Exits 1
 * when a push was sent twice to a device or some never arrived.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { markdownTable } from './webhooks/markdownTable.js';
import { measurePushPath, type PushPathFigures } from './push/measurePushPath.js';

const { values: flags } = parseArgs({
  options: {
    orders: { type: 'string', default: process.env.PUSH_BENCH_ORDERS ?? '500' },
    rate: { type: 'string', default: '20' },
    'max-devices': { type: 'string', default: '2' },
    workers: { type: 'string', default: '1' },
    concurrency: { type: 'string', default: '16' },
    'push-latency': { type: 'string', default: '0' },
    seed: { type: 'string', default: process.env.PUSH_BENCH_SEED ?? String(Date.now() % 1_000_000) },
  },
});
const positive = (name: keyof typeof flags, min = 1) => {
  const n = Number(flags[name]);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}, got ${flags[name]}`);
  return n;
};
const ORDERS = positive('orders');
const RATE = positive('rate');
const MAX_DEVICES = positive('max-devices');
const WORKERS = positive('workers');
const CONCURRENCY = positive('concurrency');
const PUSH_LATENCY = positive('push-latency', 0);
const SEED = positive('seed', 0);
/** NOTIFICATIONS_POLL_MS and PAYMENTS_INBOX_POLL_MS: their floor, the fastest a deployment may poll. */
const POLL_MS = 500;
const databaseUrl = process.env.DATABASE_URL || undefined;
const log = (line: string) => process.stdout.write(`  ${line}\n`);

const out: string[] = [];
const say = (line = '') => {
  console.log(line);
  out.push(line);
};

const replicaCounts = databaseUrl ? [1, 2] : [1];
say(
  `Push benchmark: ${ORDERS} orders paid by signed webhooks (${CONCURRENCY} in flight), 1..${MAX_DEVICES} phones per paying user, ` +
    `${WORKERS} notifications worker(s) per replica, polls every ${POLL_MS} ms, push sandboxes answering after ${PUSH_LATENCY} ms, ` +
    `${databaseUrl ? 'PostgreSQL' : 'embedded store (PGlite)'}, loopback, seed ${SEED}.`,
);
say();
const figures: (PushPathFigures & { load: string })[] = [];
for (const ratePerS of [RATE, undefined]) {
  for (const replicas of replicaCounts) {
    const load = ratePerS === undefined ? 'burst' : `${ratePerS}/s`;
    console.log(`measuring with ${replicas} consumer replica(s), ${load === 'burst' ? 'every order at once' : `${load} orders paid`}…`);
    const f = await measurePushPath({
      databaseUrl,
      orders: ORDERS,
      ...(ratePerS === undefined ? {} : { ratePerS }),
      maxDevicesPerUser: MAX_DEVICES,
      replicas,
      workersPerReplica: WORKERS,
      paymentsWorkers: 1,
      concurrency: CONCURRENCY,
      pushLatencyMs: PUSH_LATENCY,
      pollMs: POLL_MS,
      seed: SEED,
      drainTimeoutMs: 180_000,
      log,
    });
    figures.push({ ...f, load });
  }
}

const fmt = (n: number, digits = 0) => n.toFixed(digits);
const ms = (n: number) => fmt(n);
const rows: [string, (f: PushPathFigures) => string][] = [
  ['orders paid (devices)', (f) => `${f.orders} (${f.devices})`],
  ['events per s (order paid → pushed)', (f) => fmt(f.eventsPerS, 1)],
  ['pushes per s', (f) => fmt(f.pushesPerS, 1)],
  ['latency p50 ms (webhook sent → push at sandbox)', (f) => ms(f.latency.p50)],
  ['latency p99 ms', (f) => ms(f.latency.p99)],
  ['latency max ms', (f) => ms(f.latency.max)],
  ['stage p50 / p99 ms: webhook → order PAID', (f) => `${ms(f.stages.toPaid.p50)} / ${ms(f.stages.toPaid.p99)}`],
  ['stage p50 / p99 ms: PAID → event at notifications', (f) => `${ms(f.stages.toConsumer.p50)} / ${ms(f.stages.toConsumer.p99)}`],
  ['stage p50 / p99 ms: event stored → first push', (f) => `${ms(f.stages.toPush.p50)} / ${ms(f.stages.toPush.p99)}`],
  ['pushes sent (due)', (f) => `${f.pushes} (${f.pushesDue})`],
  ['duplicates at the sandbox (must be 0)', (f) => String(f.duplicates)],
  ['deliveries by status', (f) => Object.entries(f.deliveries).map(([k, v]) => `${k} ${v}`).join(', ')],
];
const label = (f: PushPathFigures & { load: string }) =>
  `${f.load}, ${f.replicas} replica${f.replicas > 1 ? 's' : ''}${f.store === 'embedded' ? ' (embedded, in-process)' : ''}`;
const skipped = databaseUrl ? [] : [`${RATE}/s, 2 replicas`, 'burst, 2 replicas'];
say(
  markdownTable(
    ['metric', ...figures.map(label), ...skipped],
    rows.map(([name, get]) => [name, ...figures.map(get), ...skipped.map(() => 'skipped')]),
  ),
);
if (!databaseUrl) {
  say('\nDATABASE_URL is not set: 2 replicas skipped. The embedded store (PGlite) is opened by one process only, so the workers cannot run apart from the service (e.g. DATABASE_URL=postgres://127.0.0.1:5432/test).');
}

// Where the time goes: the stage that holds a push longest at p50.
say('');
for (const f of figures) {
  const stages = { 'webhook → PAID (payments inbox worker)': f.stages.toPaid.p50, 'PAID → notifications (outbox relay)': f.stages.toConsumer.p50, 'stored → pushed (notifications workers)': f.stages.toPush.p50 };
  const [slowest] = Object.entries(stages).sort((a, b) => b[1] - a[1]);
  say(`${label(f)}: ${fmt(f.eventsPerS, 1)} events/s; the slowest stage at p50 is ${slowest![0]} (${ms(slowest![1])} ms).`);
}

const dir = fileURLToPath(new URL('./results/', import.meta.url));
await mkdir(dir, { recursive: true });
const file = `${dir}push-${new Date().toISOString().replace(/[:.]/g, '-')}.md`;
await writeFile(file, `${out.join('\n')}\n`);
console.log(`\nwritten to ${file}`);

if (figures.some((f) => f.duplicates > 0 || f.pushes < f.pushesDue)) {
  console.error('\na push was sent twice to a device, or some never arrived: see the figures above');
  process.exit(1);
}
