/**
 * `npm run bench:webhooks`: the payments webhook inbox under load, on loopback, bounded,
 * measured in this one run with each store:
 *   embedded    PGlite in the service's process (npm start's default)
 *   PostgreSQL  DATABASE_URL (skipped, with a line saying so, when it is not set)
 * For each: deliveries accepted (2xx) per second, events applied per second, and receipt
 * latency p50/p99 against the goal (a 2xx within 50 ms at p99: vendors time out and
 * retry slow endpoints). Then the durability scenario on PostgreSQL: 10,000 deliveries,
 * 30% duplicates, random order, the inbox worker process SIGKILLed mid-stream and
 * restarted; the invariants are read from the database.
 *
 * Flags (or env): --deliveries (WEBHOOK_BENCH_DELIVERIES, 4000) per store, --seconds
 * (WEBHOOK_BENCH_SECONDS, 30) of sending at most per store, --concurrency (8), --workers
 * (4 inbox workers), --durability-deliveries (10000; 0 skips it), --seed, and for the
 * receipt latency at a vendor's pace: --rate (WEBHOOK_BENCH_RATE, 50 deliveries/s, open
 * loop) for --paced-seconds (10). Saturation says how much the inbox takes; the paced run
 * says what a vendor sees at an ordinary rate, the figure the 50 ms goal is about.
 * Writes the table to bench/results/webhooks-<time>.md (gitignored) and nothing else.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { sandboxVendorEntry } from '../platform/registry/services.js';
import { runWorkerKillScenario, type WorkerKillResult } from '../test/durability/runWorkerKillScenario.js';
import { measureInbox, type InboxFigures, type StoreKind } from './webhooks/measureInbox.js';
import { markdownTable } from './webhooks/markdownTable.js';

const { values: flags } = parseArgs({
  options: {
    deliveries: { type: 'string', default: process.env.WEBHOOK_BENCH_DELIVERIES ?? '4000' },
    seconds: { type: 'string', default: process.env.WEBHOOK_BENCH_SECONDS ?? '30' },
    concurrency: { type: 'string', default: process.env.WEBHOOK_BENCH_CONCURRENCY ?? '8' },
    workers: { type: 'string', default: process.env.WEBHOOK_BENCH_WORKERS ?? '4' },
    'durability-deliveries': { type: 'string', default: process.env.WEBHOOK_BENCH_DURABILITY_DELIVERIES ?? '10000' },
    seed: { type: 'string', default: process.env.WEBHOOK_BENCH_SEED ?? String(Date.now() % 1_000_000) },
    rate: { type: 'string', default: process.env.WEBHOOK_BENCH_RATE ?? '50' },
    'paced-seconds': { type: 'string', default: process.env.WEBHOOK_BENCH_PACED_SECONDS ?? '10' },
  },
});
const positive = (name: keyof typeof flags, min = 1) => {
  const n = Number(flags[name]);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}, got ${flags[name]}`);
  return n;
};
const DELIVERIES = positive('deliveries');
const SECONDS = positive('seconds');
const CONCURRENCY = positive('concurrency');
const WORKERS = positive('workers');
const DURABILITY = positive('durability-deliveries', 0);
const SEED = positive('seed', 0);
const RATE = positive('rate');
const PACED_SECONDS = positive('paced-seconds');
const DUPLICATES = 0.3;
const GOAL_P99_MS = 50;
const databaseUrl = process.env.DATABASE_URL || undefined;
const secret = sandboxVendorEntry('payments').secrets?.[0];
if (secret === undefined) throw new Error('the registry has no default webhook secret for payments');
const log = (line: string) => process.stdout.write(`  ${line}\n`);

const out: string[] = [];
const say = (line = '') => {
  console.log(line);
  out.push(line);
};

say(
  `Webhook inbox benchmark: per store, ${RATE * PACED_SECONDS} deliveries at ${RATE}/s (open loop), then up to ${DELIVERIES} at saturation ` +
    `(${CONCURRENCY} in flight, at most ${SECONDS} s); ${DUPLICATES * 100}% duplicates, random order, ${WORKERS} inbox workers (poll 500 ms), loopback, seed ${SEED}.`,
);
say();

const stores: { kind: StoreKind; label: string }[] = [{ kind: 'embedded', label: 'embedded (PGlite)' }];
if (databaseUrl) stores.push({ kind: 'postgres', label: 'PostgreSQL' });
const figures: { label: string; f: InboxFigures; paced: InboxFigures }[] = [];
for (const { kind, label } of stores) {
  console.log(`measuring ${label} at ${RATE} deliveries/s…`);
  const paced = await measureInbox({
    store: kind,
    databaseUrl,
    deliveries: RATE * PACED_SECONDS,
    duplicateShare: DUPLICATES,
    concurrency: 256,
    ratePerS: RATE,
    workers: WORKERS,
    sendForMs: (PACED_SECONDS + 5) * 1000,
    drainTimeoutMs: 120_000,
    seed: SEED,
    secret,
    log,
  });
  console.log(`measuring ${label} at saturation…`);
  figures.push({
    label,
    paced,
    f: await measureInbox({
      store: kind,
      databaseUrl,
      deliveries: DELIVERIES,
      duplicateShare: DUPLICATES,
      concurrency: CONCURRENCY,
      workers: WORKERS,
      sendForMs: SECONDS * 1000,
      drainTimeoutMs: 120_000,
      seed: SEED,
      secret,
      log,
    }),
  });
}

const fmt = (n: number, digits = 0) => n.toFixed(digits);
type Figures = (typeof figures)[number];
const rows: [string, (x: Figures) => string][] = [
  [`at ${RATE}/s: deliveries sent (distinct events)`, ({ paced: f }) => `${f.sent} (${f.distinct})`],
  [`at ${RATE}/s: receipt p50 ms`, ({ paced: f }) => fmt(f.p50, 1)],
  [`at ${RATE}/s: receipt p99 ms`, ({ paced: f }) => fmt(f.p99, 1)],
  [`at ${RATE}/s: p99 within ${GOAL_P99_MS} ms`, ({ paced: f }) => (f.p99 <= GOAL_P99_MS ? 'yes' : 'no')],
  ['saturation: deliveries sent (distinct events)', ({ f }) => `${f.sent} (${f.distinct})`],
  ['saturation: accepted (2xx) per s', ({ f }) => fmt(f.acceptedPerS, 1)],
  ['saturation: events applied per s', ({ f }) => fmt(f.appliedPerS, 1)],
  [`saturation: receipt p50 / p99 / max ms (${CONCURRENCY} in flight)`, ({ f }) => `${fmt(f.p50, 1)} / ${fmt(f.p99, 1)} / ${fmt(f.max, 1)}`],
  ['refused or failed deliveries', ({ f, paced }) => String(f.refused + paced.refused)],
  ['lost', ({ f, paced }) => String(f.invariants.lost + paced.invariants.lost)],
  ['applied twice', ({ f, paced }) => String(f.invariants.appliedTwice + paced.invariants.appliedTwice)],
  ['unprocessed', ({ f, paced }) => String(f.invariants.unprocessed + paced.invariants.unprocessed)],
  ['orders at the wrong status', ({ f, paced }) => String(f.invariants.wrongStatus + paced.invariants.wrongStatus)],
];
const skipped = databaseUrl ? [] : ['PostgreSQL'];
say(
  markdownTable(
    ['metric', ...figures.map((x) => x.label), ...skipped],
    rows.map(([label, get]) => [label, ...figures.map((x) => get(x)), ...skipped.map(() => 'skipped')]),
  ),
);
if (!databaseUrl) say('\nDATABASE_URL is not set: the PostgreSQL column and the durability scenario are skipped (e.g. DATABASE_URL=postgres://127.0.0.1:5432/test).');

let durability: WorkerKillResult | undefined;
if (databaseUrl && DURABILITY > 0) {
  console.log(`\nrunning the durability scenario (${DURABILITY} deliveries, PostgreSQL, worker SIGKILLed)…`);
  durability = await runWorkerKillScenario({
    databaseUrl,
    deliveries: DURABILITY,
    duplicateShare: DUPLICATES,
    seed: SEED,
    concurrency: CONCURRENCY,
    workers: WORKERS,
    killAtShare: 0.25,
    drainTimeoutMs: 180_000,
    log,
  });
  const { scenario, outcomes, invariants: inv, kills } = durability;
  const ok = outcomes.filter((o) => o.status === 200).length;
  say(`\nDurability, PostgreSQL, receipt in the service (PAYMENTS_INBOX_WORKERS=0), ${WORKERS} workers in a separate process SIGKILLed mid-stream:\n`);
  say(
    markdownTable(
      ['figure', 'value'],
      [
        ['deliveries (distinct events, orders)', `${scenario.deliveries.length} (${scenario.events.length}, ${scenario.orders.length})`],
        ['answered 200 (of which duplicate: true)', `${ok} (${outcomes.filter((o) => o.duplicate === true).length})`],
        ['kills: events processed before / jobs in hand', kills.map((k) => `${k.processedBefore} / ${k.abandonedJobs}`).join(', ')],
        ['jobs handed out again', String(durability.retriedJobs)],
        ['inbox rows / processed', `${inv.inboxRows} / ${inv.processed}`],
        ['lost', String(inv.lost)],
        ['applied twice', String(inv.appliedTwice)],
        ['orders at the wrong status', String(inv.wrongStatus)],
        ['duplicate transitions', String(inv.duplicateTransitions)],
        ['first delivery to all answered / all applied, s', `${fmt(durability.sendMs / 1000, 1)} / ${fmt(durability.totalMs / 1000, 1)}`],
      ],
    ),
  );
} else if (databaseUrl) {
  say('\nDurability scenario skipped (--durability-deliveries 0).');
}

const dir = fileURLToPath(new URL('./results/', import.meta.url));
await mkdir(dir, { recursive: true });
const file = `${dir}webhooks-${new Date().toISOString().replace(/[:.]/g, '-')}.md`;
await writeFile(file, `${out.join('\n')}\n`);
console.log(`\nwritten to ${file}`);

const broken = [...figures.flatMap((x) => [x.f.invariants, x.paced.invariants]), ...(durability ? [durability.invariants] : [])].some(
  (i) => i.lost + i.appliedTwice + i.unprocessed + i.wrongStatus + i.duplicateTransitions > 0,
);
const refused = figures.some((x) => x.f.refused + x.paced.refused > 0) || (durability?.outcomes.some((o) => o.status !== 200) ?? false);
if (broken || refused) {
  console.error('\nan invariant does not hold (or deliveries were refused): see the figures above');
  process.exit(1);
}
