import { Webhook } from 'standardwebhooks';
import { seededRandom, type Random } from '../../sandbox/seededRandom.js';
import type { PaylaneEvent } from '../paylaneObjects.js';
import { postWebhook, type AttemptOutcome } from './postWebhook.js';
import { DEFAULT_WEBHOOK_FAULTS, type WebhookFaults } from './webhookFaults.js';
import { newWebhookSecret, WebhookSecrets } from './WebhookSecrets.js';

export interface WebhookDispatcherOptions {
  /** Where events are delivered; null = nowhere (events are still listed by GET /v1/events). */
  url: string | null;
  /** The first active signing secret, `whsec_…`. */
  secret: string;
  /** First retry after about this long (ms), doubling per attempt up to a minute, with jitter. */
  retryBaseMs: number;
  /** Attempts per delivery before it is marked failed. */
  maxAttempts: number;
  /** An attempt without an answer after this long (ms) counts as 'timeout'. */
  attemptTimeoutMs: number;
  /** Seeds the PRNG of faults and jitter, so a run is reproducible. */
  seed: number;
}

export interface WebhookAttempt {
  eventId: string;
  type: string;
  /** 1 for the first attempt of a delivery; a duplicate takes the next number. */
  attempt: number;
  status: AttemptOutcome;
  signature: 'valid' | 'bad';
  stale: boolean;
  /** Epoch ms when the attempt was sent. */
  at: number;
}

export interface WebhookStatus {
  url: string | null;
  faults: WebhookFaults;
  activeSecrets: number;
  /** Deliveries neither delivered, failed nor dropped yet (waiting, held, retrying or in flight). */
  pending: number;
  delivered: number;
  failed: number;
  dropped: number;
  /** Extra sends of delivered events (the `duplicateRate` fault). */
  duplicated: number;
  /** The last 1000, oldest first. */
  attempts: WebhookAttempt[];
}

interface Delivery {
  readonly event: PaylaneEvent;
  readonly body: string;
  attempts: number;
}

const MAX_LOGGED_ATTEMPTS = 1000;
const MAX_BACKOFF_MS = 60_000;
const STALE_BY_S = 600;

/**
 * Delivers each event on its own (no ordering guarantee), signed per Standard Webhooks with
 * every active secret, retrying non-2xx answers, network errors and timeouts with exponential
 * backoff, as Stripe does. `close()` cancels every timer and in-flight request.
 */
export class WebhookDispatcher {
  private url: string | null;
  private faults: WebhookFaults = { ...DEFAULT_WEBHOOK_FAULTS };
  private readonly secrets: WebhookSecrets;
  private readonly random: Random;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<AbortController>();
  /** Held while paused: 'start' still has its delay and reorder wait ahead, 'attempt' is due now. */
  private held: { delivery: Delivery; stage: 'start' | 'attempt' }[] = [];
  private pendingCount = 0;
  private counters = { delivered: 0, failed: 0, dropped: 0, duplicated: 0 };
  private log: WebhookAttempt[] = [];
  private closed = false;

  constructor(private readonly options: WebhookDispatcherOptions) {
    this.url = options.url;
    this.secrets = new WebhookSecrets(options.secret);
    this.random = seededRandom(options.seed);
  }

  /** A new event: delivered unless no endpoint is set (then only listed), or dropped by the fault. */
  enqueue(event: PaylaneEvent): void {
    if (this.closed || this.url === null) return;
    const delivery = this.track(event);
    if (this.chance(this.faults.dropRate)) {
      this.finish('dropped');
      return;
    }
    this.queue(delivery);
  }

  /** Sends `event` again now, as a delivery of its own (same `webhook-id`). */
  resend(event: PaylaneEvent): void {
    if (this.closed || this.url === null) return;
    const delivery = this.track(event);
    if (this.faults.paused) this.held.push({ delivery, stage: 'attempt' });
    else this.after(0, delivery);
  }

  setEndpoint(url: string | null): { url: string | null } {
    this.url = url;
    return { url };
  }

  endpoint(): string | null {
    return this.url;
  }

  setFaults(partial: Partial<WebhookFaults>): WebhookFaults {
    this.faults = { ...this.faults, ...partial };
    if (!this.faults.paused) this.release();
    return { ...this.faults };
  }

  resetFaults(): WebhookFaults {
    return this.setFaults({ ...DEFAULT_WEBHOOK_FAULTS });
  }

  rollSecret(): { secret: string; active: number } {
    return this.secrets.roll();
  }

  expireSecrets(): { active: number } {
    return this.secrets.expire();
  }

  status(): WebhookStatus {
    return {
      url: this.url,
      faults: { ...this.faults },
      activeSecrets: this.secrets.active().length,
      pending: this.pendingCount,
      ...this.counters,
      attempts: this.log.map((a) => ({ ...a })),
    };
  }

  /** Clears the attempt log and counters; deliveries under way carry on. */
  clearLog(): void {
    this.log = [];
    this.counters = { delivered: 0, failed: 0, dropped: 0, duplicated: 0 };
  }

  /** Timers and requests still open: both 0 once closed. */
  openHandles(): { timers: number; inFlight: number } {
    return { timers: this.timers.size, inFlight: this.inFlight.size };
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const controller of this.inFlight) controller.abort();
    this.inFlight.clear();
    this.held = [];
  }

  private track(event: PaylaneEvent): Delivery {
    this.pendingCount++;
    return { event, body: JSON.stringify(event), attempts: 0 };
  }

  private finish(state: 'delivered' | 'failed' | 'dropped'): void {
    this.pendingCount--;
    this.counters[state]++;
  }

  private chance(p: number): boolean {
    return p > 0 && this.random.chance(p);
  }

  /** Waits `delayMs` plus a random share of the reorder window, then attempts. */
  private queue(delivery: Delivery): void {
    if (this.faults.paused) {
      this.held.push({ delivery, stage: 'start' });
      return;
    }
    const window = this.faults.reorderWindowMs;
    this.after(this.faults.delayMs + (window > 0 ? this.random.int(0, window) : 0), delivery);
  }

  private release(): void {
    const held = this.held;
    this.held = [];
    for (const { delivery, stage } of held) {
      if (stage === 'start') this.queue(delivery);
      else this.after(0, delivery);
    }
  }

  private after(ms: number, delivery: Delivery): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.attempt(delivery);
    }, ms);
    this.timers.add(timer);
  }

  private async attempt(delivery: Delivery): Promise<void> {
    if (this.closed) return;
    if (this.faults.paused) {
      this.held.push({ delivery, stage: 'attempt' });
      return;
    }
    if (this.url === null) {
      this.finish('failed'); // the endpoint was removed: like a disabled Stripe endpoint, no more retries
      return;
    }
    const status = await this.send(delivery, this.url);
    if (status === null) return; // closed meanwhile
    if (typeof status === 'number' && status >= 200 && status < 300) {
      if (this.url !== null && this.chance(this.faults.duplicateRate)) {
        this.counters.duplicated++;
        // Still pending until the duplicate is sent too: idle means nothing is in flight.
        if ((await this.send(delivery, this.url)) === null) return;
      }
      this.finish('delivered');
    } else if (delivery.attempts >= this.options.maxAttempts) this.finish('failed');
    else this.after(this.backoffMs(delivery.attempts), delivery);
  }

  /** One signed POST, logged; null when the dispatcher was closed meanwhile. */
  private async send(delivery: Delivery, url: string): Promise<AttemptOutcome | null> {
    const attempt = ++delivery.attempts;
    const stale = this.faults.staleTimestampNext > 0;
    if (stale) this.faults.staleTimestampNext--;
    const bad = this.faults.badSignatureNext > 0;
    if (bad) this.faults.badSignatureNext--;
    const at = Date.now();
    const timestamp = new Date((Math.floor(at / 1000) - (stale ? STALE_BY_S : 0)) * 1000);
    const { id } = delivery.event;
    const signers = bad ? this.secrets.active().map(() => newWebhookSecret()) : this.secrets.active();
    const signature = signers.map((secret) => new Webhook(secret).sign(id, timestamp, delivery.body)).join(' ');
    const headers = { 'webhook-id': id, 'webhook-timestamp': String(timestamp.getTime() / 1000), 'webhook-signature': signature };
    const controller = new AbortController();
    this.inFlight.add(controller);
    const status = await postWebhook(new URL(url), delivery.body, headers, this.options.attemptTimeoutMs, controller.signal);
    this.inFlight.delete(controller);
    if (this.closed) return null;
    this.log.push({ eventId: id, type: delivery.event.type, attempt, status, signature: bad ? 'bad' : 'valid', stale, at });
    if (this.log.length > MAX_LOGGED_ATTEMPTS) this.log.splice(0, this.log.length - MAX_LOGGED_ATTEMPTS);
    return status;
  }

  /** base × 2^(n−1), capped at a minute, times a random 0.5..1 so that retries spread out. */
  private backoffMs(attempts: number): number {
    const exp = Math.min(MAX_BACKOFF_MS, this.options.retryBaseMs * 2 ** (attempts - 1));
    return Math.round(exp * (0.5 + 0.5 * this.random.next()));
  }
}
