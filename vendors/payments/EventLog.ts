import type { Charge, EventType, PaylaneEvent, PaylaneList, PaymentIntent } from './paylaneObjects.js';
import { paylaneId } from './paylaneIds.js';
import { resourceMissing } from './paylaneErrors.js';

/** Enough for any test or benchmark run; the oldest events are forgotten first, as Stripe forgets after 30 days. */
const MAX_EVENTS = 50_000;

/**
 * Every event Paylane has emitted, for `GET /v1/events` (reconciliation of missed webhooks),
 * handed to `deliver` (the webhook dispatcher) as it happens.
 */
export class EventLog {
  private readonly events: PaylaneEvent[] = [];
  private readonly byId = new Map<string, PaylaneEvent>();

  constructor(
    private readonly now: () => number,
    private readonly deliver: (event: PaylaneEvent) => void,
  ) {}

  emit(type: EventType, object: PaymentIntent | Charge): PaylaneEvent {
    const event: PaylaneEvent = {
      id: paylaneId('evt_'),
      object: 'event',
      type,
      created: Math.floor(this.now() / 1000),
      livemode: false,
      data: { object: structuredClone(object) },
    };
    this.events.push(event);
    this.byId.set(event.id, event);
    if (this.events.length > MAX_EVENTS) this.byId.delete((this.events.shift() as PaylaneEvent).id);
    this.deliver(event);
    return event;
  }

  get(id: string): PaylaneEvent | undefined {
    return this.byId.get(id);
  }

  /** Newest first; `startingAfter` continues after that event; `type` is exact or a `prefix.*` wildcard. */
  list(options: { limit: number; startingAfter?: string; type?: string }): PaylaneList<PaylaneEvent> {
    let end = this.events.length; // exclusive, walking backwards from here
    if (options.startingAfter !== undefined) {
      const after = this.byId.get(options.startingAfter);
      if (after === undefined) throw resourceMissing('starting_after', 'event', options.startingAfter);
      end = this.events.lastIndexOf(after);
    }
    const { type } = options;
    const matches = (e: PaylaneEvent): boolean =>
      type === undefined || (type.endsWith('.*') ? e.type.startsWith(type.slice(0, -1)) : e.type === type);
    const data: PaylaneEvent[] = [];
    let i = end - 1;
    for (; i >= 0 && data.length < options.limit; i--) {
      const e = this.events[i] as PaylaneEvent;
      if (matches(e)) data.push(e);
    }
    let has_more = false;
    for (; i >= 0 && !has_more; i--) has_more = matches(this.events[i] as PaylaneEvent);
    return { object: 'list', data, has_more };
  }
}
