import { parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { checkWiring, type WiringInput } from '../../scripts/checkWiring.js';
import { readWiringInput } from '../../scripts/readWiringInput.js';

const real = readWiringInput();
function withCompose(edit: (doc: ReturnType<typeof parseDocument>) => void): WiringInput {
  const doc = parseDocument(real.compose, { merge: true });
  edit(doc);
  return { ...real, compose: doc.toString() };
}

describe('the wiring check: producers reach their consumer, subgraphs the vendors they read (docker-compose.yml)', () => {
  it('passes on the working tree', () => {
    expect(checkWiring(real)).toEqual([]);
  });

  it('fails when a producer does not deliver to its consumer’s events endpoint', () => {
    const problems = checkWiring(withCompose((doc) => doc.setIn(['services', 'payments', 'environment', 'PAYMENTS_EVENTS_URL'], 'http://notifications:4005/webhooks')));
    expect(problems).toEqual([expect.stringContaining('service "payments": PAYMENTS_EVENTS_URL is "http://notifications:4005/webhooks", expected http://notifications:4005/events')]);
    const unset = checkWiring(withCompose((doc) => doc.deleteIn(['services', 'reviews', 'environment', 'REVIEWS_EVENTS_URL'])));
    expect(unset).toEqual([expect.stringContaining('service "reviews": REVIEWS_EVENTS_URL is unset')]);
  });

  it('fails when a subgraph reads a vendor somewhere other than the sandbox', () => {
    const problems = checkWiring(withCompose((doc) => doc.setIn(['services', 'notifications', 'environment', 'NOTIFICATIONS_APNS_URL'], 'http://sandbox:4105')));
    expect(problems).toEqual([expect.stringContaining('NOTIFICATIONS_APNS_URL is "http://sandbox:4105", expected http://sandbox:4106')]);
  });
});
