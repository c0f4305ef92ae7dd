import { IdempotencyStore } from '../sandbox/IdempotencyStore.js';
import { intParam, singleParam } from '../sandbox/params.js';
import type { Route } from '../sandbox/types.js';
import type { EventLog } from './EventLog.js';
import { idempotentPost } from './idempotentPost.js';
import { invalidParam, resourceMissing } from './paylaneErrors.js';
import { EVENT_TYPES } from './paylaneObjects.js';
import { amountParam, currencyParam, idParam, MAX_AMOUNT, metadataParam, MIN_AMOUNT, paylaneBody, queryParam } from './paylaneParams.js';
import type { PaylaneStore } from './PaylaneStore.js';

const ok = (body: unknown) => ({ status: 200, body });

/** The API our backend calls with `authorization: Bearer <server key>`. */
export function serverRoutes(store: PaylaneStore, events: EventLog, idempotency = new IdempotencyStore()): Route[] {
  const post = (pattern: string, handle: Parameters<typeof idempotentPost>[2]): Route => ({
    method: 'POST',
    pattern,
    handle: idempotentPost(idempotency, pattern, handle),
  });
  const knownCustomer = (value: unknown, param: string): string => {
    const id = idParam(value, param, 'customer');
    if (!store.hasCustomer(id)) throw resourceMissing(param, 'customer', id);
    return id;
  };
  return [
    post('/v1/customers', ({ body }) => {
      const input = paylaneBody(body, ['metadata']);
      return ok(store.createCustomer(metadataParam(input.metadata)));
    }),
    post('/v1/ephemeral_keys', ({ body }) => {
      const input = paylaneBody(body, ['customer']);
      return ok(store.createEphemeralKey(knownCustomer(input.customer, 'customer')));
    }),
    post('/v1/payment_intents', ({ body }) => {
      const input = paylaneBody(body, ['amount', 'currency', 'customer', 'metadata']);
      const amount = amountParam(input.amount, 'amount', { min: MIN_AMOUNT, max: MAX_AMOUNT });
      const currency = currencyParam(input.currency);
      const customer = input.customer === undefined || input.customer === null ? null : knownCustomer(input.customer, 'customer');
      return ok(store.createIntent({ amount, currency, customer, metadata: metadataParam(input.metadata) }));
    }),
    {
      method: 'GET',
      pattern: '/v1/payment_intents/:id',
      handle({ params }) {
        const id = idParam(params.id, 'intent', 'payment_intent');
        const intent = store.intent(id);
        if (intent === undefined) throw resourceMissing('intent', 'payment_intent', id);
        return ok(intent);
      },
    },
    post('/v1/refunds', ({ body }) => {
      const input = paylaneBody(body, ['payment_intent', 'amount']);
      const intent = idParam(input.payment_intent, 'payment_intent', 'payment_intent');
      const amount = input.amount === undefined || input.amount === null ? undefined : amountParam(input.amount, 'amount', { min: 1, max: MAX_AMOUNT });
      return ok(store.refund(intent, amount));
    }),
    {
      method: 'GET',
      pattern: '/v1/events',
      handle({ query }) {
        const limit = queryParam('limit', () => intParam(query, 'limit', { min: 1, max: 100, fallback: 10 }));
        const after = queryParam('starting_after', () => singleParam(query, 'starting_after'));
        const startingAfter = after === undefined ? undefined : idParam(after, 'starting_after', 'event');
        const type = queryParam('type', () => singleParam(query, 'type'));
        if (type !== undefined && !EVENT_TYPES.some((t) => t === type || (type.endsWith('.*') && t.startsWith(type.slice(0, -1))))) {
          throw invalidParam('type', `Unknown event type ${JSON.stringify(type.slice(0, 100))}; expected one of ${EVENT_TYPES.join(', ')} (or a prefix.*).`);
        }
        return ok(events.list({ limit, startingAfter, type }));
      },
    },
  ];
}
