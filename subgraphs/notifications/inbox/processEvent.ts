import type { ServiceEvent } from '../../../platform/events/ServiceEvent.js';
import type { Logger } from '../../../platform/log/createLogger.js';
import type { Device } from '../model.js';
import type { PushSender } from '../push/PushSender.js';
import { renderNotification, toPushMessage, type RenderedNotification } from '../push/renderNotification.js';
import type { NotificationsStores } from '../store/NotificationsStores.js';
import { recipientsOf } from './recipientsOf.js';

export interface ConsumerDeps {
  readonly stores: NotificationsStores;
  readonly sender: PushSender;
  readonly logger: Logger;
}

/**
 * `done`: every push of the event is decided and the event is marked processed.
 * `pending`: some device asked us to try later; the job must run again (not before `until`).
 */
export type EventOutcome =
  | { readonly kind: 'done'; readonly recipients: number; readonly sent: number }
  | { readonly kind: 'pending'; readonly until: Date }
  | { readonly kind: 'already_processed' }
  | { readonly kind: 'missing' };

/** Recipients handled at once: bounded so one review of a popular product does not open hundreds of sends at once. */
const RECIPIENT_CONCURRENCY = 10;
/** The inbox row's language when the user has no device (it is read in the app, in any language it is given). */
const DEFAULT_LOCALE = 'en';

/**
 * Turns one stored event into notifications and pushes, safe to run any number of times
 * (at-least-once jobs): the inbox row is unique per (event, user), and each device's push
 * is claimed in `deliveries` before it leaves (see DeliveryStore), so a repeat sends to no
 * device twice. A muted category gets neither a push nor an inbox row.
 */
export async function processEvent(deps: ConsumerDeps, eventId: string): Promise<EventOutcome> {
  const { stores, logger } = deps;
  const stored = await stores.events.load(eventId);
  if (stored === null) return { kind: 'missing' };
  if (stored.processed) return { kind: 'already_processed' };
  const { event } = stored;
  const category = renderNotification(event, DEFAULT_LOCALE)?.category;
  const everyone = category === undefined ? [] : await recipientsOf(event, stores.reviewers);
  const recipients = category === undefined ? [] : await stores.preferences.enabledAmong(everyone, category);

  let sent = 0;
  let until: Date | null = null;
  for (let i = 0; i < recipients.length; i += RECIPIENT_CONCURRENCY) {
    const results = await settled(recipients.slice(i, i + RECIPIENT_CONCURRENCY).map((userId) => notifyUser(deps, event, userId)));
    for (const r of results) {
      sent += r.sent;
      if (r.until !== null && (until === null || r.until > until)) until = r.until;
    }
  }
  if (until !== null) return { kind: 'pending', until };
  await stores.events.markProcessed(eventId);
  if (category === undefined) logger.info({ eventId, type: event.type }, 'event of a kind nobody is notified of: stored and ignored');
  return { kind: 'done', recipients: recipients.length, sent };
}

/**
 * Every promise settled, then the first failure rethrown: a sibling still sending when the job
 * fails would be found `sending` by the job's next run and marked `unknown` (a push lost).
 */
async function settled<T>(promises: Promise<T>[]): Promise<T[]> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}

async function notifyUser(deps: ConsumerDeps, event: ServiceEvent, userId: string): Promise<{ sent: number; until: Date | null }> {
  const { stores } = deps;
  // The inbox row is in the language of the phone seen last, whenever it was registered.
  const latest = (await stores.devices.devicesOf(userId))[0];
  const inbox = renderNotification(event, latest?.locale ?? DEFAULT_LOCALE);
  if (inbox === null) return { sent: 0, until: null };
  await stores.notifications.add({ userId, eventId: event.id, category: inbox.category, title: inbox.title, body: inbox.body, data: inbox.data });
  // Only the phones registered by the time the event was received: one registered later (or
  // handed to this user later) does not get an older event's push, however late a retry runs.
  const devices = latest === undefined ? [] : await stores.devices.devicesAtEvent(userId, event.id);
  let sent = 0;
  let until: Date | null = null;
  await settled(
    devices.map(async (device) => {
      const r = await pushToDevice(deps, event, device, renderNotification(event, device.locale) ?? inbox);
      if (r === 'sent') sent += 1;
      else if (r instanceof Date && (until === null || r > until)) until = r;
    }),
  );
  return { sent, until };
}

/**
 * A send the push service never saw: the breaker failed it fast. It is not one of the device's
 * NOTIFICATIONS_SEND_ATTEMPTS, so an outage longer than the backoff of a few attempts does not
 * use them up; the push's time to live still bounds it (DeliveryStore.claim).
 */
const NEVER_LEFT = new Set(['breaker_open']);

/** One device's push: 'sent', 'skipped' (decided before, dead, refused, ambiguous, given up), or when to try again. */
async function pushToDevice(deps: ConsumerDeps, event: ServiceEvent, device: Device, rendered: RenderedNotification): Promise<'sent' | 'skipped' | Date> {
  const { stores, logger } = deps;
  const { deliveries } = stores;
  const log = { eventId: event.id, userId: device.userId, platform: device.platform };
  const claim = await deliveries.claim(event.id, device.token, device.userId, rendered.ttlSeconds);
  switch (claim.kind) {
    case 'done':
      return 'skipped';
    case 'wait':
      return claim.until;
    case 'ambiguous':
      logger.warn(log, 'push to this device was interrupted mid-send (the worker died): it may have been delivered, so it is not sent again');
      return 'skipped';
    case 'gave_up':
      logger.error(
        { ...log, attempts: claim.attempts, reason: claim.reason },
        claim.reason === 'expired' ? 'push given up: not delivered within its time to live' : 'push given up: the push service kept asking us to try later',
      );
      return 'skipped';
    case 'send':
      break;
  }
  // The mark of a send whose row was decided meanwhile by another run of the job (which found it
  // `sending` after our job expired and marked it `unknown`): that decision stands.
  const overtaken = (what: string) => logger.warn({ ...log, outcome: what }, 'push answered after another run of the job had decided it: its row is left as that run decided');
  const now = new Date();
  let outcome;
  try {
    outcome = await deps.sender.send(device, toPushMessage(rendered, now), { requestId: `event-${event.id}` });
  } catch (err) {
    // The sender reports every vendor answer as an outcome; a throw is a bug after which the push may or may not have left.
    await deliveries.mark(event.id, device.token, 'unknown');
    logger.error({ ...log, err }, 'push sender failed unexpectedly: the push is marked unknown and not sent again');
    return 'skipped';
  }
  switch (outcome.kind) {
    case 'sent':
      if (!(await deliveries.mark(event.id, device.token, 'sent', outcome.messageId === undefined ? {} : { messageId: outcome.messageId }))) overtaken('sent');
      // It left either way.
      return 'sent';
    case 'unregistered':
    case 'invalid_token': {
      if (!(await deliveries.mark(event.id, device.token, outcome.kind === 'unregistered' ? 'unregistered' : 'invalid'))) overtaken(outcome.kind);
      // The token's death is news whatever the row says.
      const since = outcome.kind === 'unregistered' ? outcome.since : undefined;
      if (await stores.devices.forget(device.token, device.userId, since)) {
        logger.info({ ...log, outcome: outcome.kind }, 'push token is dead: device removed');
      } else {
        logger.info({ ...log, outcome: outcome.kind, since }, 'push token is dead but the device was registered again since (or moved to another user): kept');
      }
      return 'skipped';
    }
    case 'rejected':
      if (!(await deliveries.mark(event.id, device.token, 'rejected'))) overtaken('rejected');
      logger.error({ ...log, reason: outcome.reason }, 'push service refused our request: not retried');
      return 'skipped';
    case 'retry': {
      const counted = !NEVER_LEFT.has(outcome.reason);
      // Counted from the answer, as the vendor's Retry-After is.
      const retryAt = new Date(Date.now() + (outcome.afterMs ?? 0));
      const outOfAttempts = counted && claim.attempt >= deliveries.maxAttempts;
      const outOfTime = claim.giveUpAt !== null && retryAt >= claim.giveUpAt;
      if (outOfAttempts || outOfTime) {
        // The last send allowed, or no time left to try again: give up now rather than wait a backoff only to say so.
        if (!(await deliveries.mark(event.id, device.token, 'gave_up'))) {
          overtaken('gave_up');
          return 'skipped';
        }
        logger.error(
          { ...log, attempts: claim.attempt, reason: outcome.reason },
          outOfAttempts ? 'push given up: the push service kept asking us to try later' : 'push given up: not delivered within its time to live',
        );
        return 'skipped';
      }
      if (!(await deliveries.mark(event.id, device.token, 'retry', { retryAt, counted }))) {
        overtaken('retry');
        return 'skipped';
      }
      logger.warn({ ...log, attempt: claim.attempt, counted, reason: outcome.reason, afterMs: outcome.afterMs }, 'push service asked us to try later');
      return retryAt;
    }
  }
}
