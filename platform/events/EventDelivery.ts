/**
 * How one attempt to deliver a service event ended, from the producer's side:
 * - `delivered`: the consumer stored it (2xx);
 * - `duplicate`: it had it already (2xx with `duplicate: true`): as good as delivered;
 * - `refused`: a 4xx other than 408 and 429, so the consumer will never accept this
 *   delivery (bad signature, not an event): sending it again cannot help;
 * - `retry`: not delivered this time (5xx, 408, 429, a timeout, no connection, any other
 *   answer); `afterMs` is the consumer's Retry-After when it gave one.
 */
export type EventDelivery =
  | { readonly outcome: 'delivered' }
  | { readonly outcome: 'duplicate' }
  | { readonly outcome: 'refused'; readonly status: number; readonly reason: string }
  | { readonly outcome: 'retry'; readonly status?: number; readonly afterMs?: number; readonly reason: string };
