import { singleParam } from '../sandbox/params.js';
import type { Route, RouteRequest } from '../sandbox/types.js';
import { invalidParam, invalidRequest } from './paylaneErrors.js';
import { idParam, paylaneBody, queryParam } from './paylaneParams.js';
import type { PaylaneStore } from './PaylaneStore.js';

const ok = (body: unknown) => ({ status: 200, body });

/**
 * What the phone's payment sheet calls, never with the server key: each route authenticates
 * itself with the intent's client secret or a customer's ephemeral key. A server key presented
 * here is not a credential, so it grants nothing (and the answer is the same 401).
 */
export function clientRoutes(store: PaylaneStore): Route[] {
  const intentId = (req: RouteRequest): string => idParam(req.params.id, 'intent', 'payment_intent');
  return [
    {
      method: 'POST',
      pattern: '/v1/payment_intents/:id/confirm',
      public: true,
      handle(req) {
        const id = intentId(req);
        const input = paylaneBody(req.body, ['client_secret', 'payment_method']);
        return ok(store.confirm(id, input.client_secret, input.payment_method));
      },
    },
    {
      method: 'POST',
      pattern: '/v1/payment_intents/:id/authenticate',
      public: true,
      handle(req) {
        const id = intentId(req);
        const input = paylaneBody(req.body, ['client_secret', 'result']);
        // Credentials first: a stranger learns nothing, not even which results are valid.
        store.clientIntent(id, input.client_secret);
        if (input.result !== 'approve' && input.result !== 'deny') throw invalidParam('result', "result must be 'approve' or 'deny'.");
        return ok(store.authenticate(id, input.client_secret, input.result === 'approve'));
      },
    },
    {
      method: 'GET',
      pattern: '/v1/payment_intents/:id/client',
      public: true,
      handle(req) {
        const id = intentId(req);
        return ok(store.clientIntent(id, queryParam('client_secret', () => singleParam(req.query, 'client_secret'))));
      },
    },
    {
      method: 'GET',
      pattern: '/v1/customers/:id/payment_methods',
      public: true,
      handle({ params, headers, query }) {
        const bearer = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '')?.[1];
        const check = bearer === undefined ? ({ kind: 'unknown' } as const) : store.checkEphemeralKey(bearer);
        if (check.kind === 'unknown') {
          throw invalidRequest('Invalid ephemeral key: send `authorization: Bearer ek_test_…` as minted for this customer.', { code: 'ephemeral_key_invalid', status: 401 });
        }
        if (check.kind === 'expired') throw invalidRequest('This ephemeral key has expired; mint a new one.', { code: 'ephemeral_key_expired', status: 401 });
        const customer = idParam(params.id, 'customer', 'customer');
        if (customer !== check.customer) {
          throw invalidRequest('This ephemeral key does not grant access to this customer.', { code: 'ephemeral_key_customer_mismatch', status: 403 });
        }
        const type = queryParam('type', () => singleParam(query, 'type'));
        if (type !== undefined && type !== 'card') throw invalidParam('type', "Only type 'card' is supported.");
        return ok({ object: 'list', data: store.paymentMethods(customer), has_more: false });
      },
    },
  ];
}
