import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceEvent } from '../../platform/events/ServiceEvent.js';
import { operation } from '../harness/operations.js';
import { startEventReceiver, type EventReceiver } from '../harness/startEventReceiver.js';
import { startStack, type Stack } from '../harness/startStack.js';
import { waitFor } from '../payments/paymentsStack.js';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('reviews emits review.created after the vendor stores a review', () => {
  let receiver: EventReceiver;
  let stack: Stack;
  beforeAll(async () => {
    receiver = await startEventReceiver();
    stack = await startStack({ env: { REVIEWS_EVENTS_URL: receiver.url } });
  });
  afterAll(async () => {
    await stack?.close();
    await receiver?.close();
  });

  it('addReview through the gateway → one signed review.created with ids only; the app retrying the mutation → still one', async () => {
    const token = await stack.sandbox.identity.oidc.signAccessToken({ sub: 'usr_7301' });
    const variables = { productId: 'prod_0002', rating: 5, title: 'Lovely', body: 'Exactly as pictured.' };
    const posted = await stack.query(operation('AddReview'), variables, bearer(token));
    expect(posted.json.errors, posted.text).toBeUndefined();
    const reviewId = posted.json.data.addReview.id as string;
    const id = `review:${reviewId}`;
    const event = await waitFor('review.created at the receiver', async () => receiver.events.find((e) => e.id === id));
    expect(serviceEvent.parse(event)).toEqual({
      id,
      type: 'review.created',
      occurredAt: expect.any(String),
      data: { reviewId, productId: 'prod_0002', authorId: 'usr_7301' },
    });
    const retried = await stack.query(operation('AddReview'), variables, bearer(token));
    expect(retried.json.data.addReview.id).toBe(reviewId);
    await waitFor('the retry’s delivery', async () => (receiver.deliveries.filter((d) => d.headers['webhook-id'] === id).length >= 2 ? true : undefined));
    expect(receiver.events.filter((e) => e.id === id)).toHaveLength(1);
  });
});

describe('reviews with its consumer down', () => {
  it('addReview still succeeds: the event is only logged as not delivered', async () => {
    const gone = await startEventReceiver();
    await gone.close();
    const stack = await startStack({ env: { REVIEWS_EVENTS_URL: gone.url } });
    try {
      const token = await stack.sandbox.identity.oidc.signAccessToken({ sub: 'usr_7302' });
      const posted = await stack.query(operation('AddReview'), { productId: 'prod_0003', rating: 3, title: 'Fine', body: 'Does what it says.' }, bearer(token));
      expect(posted.json.errors, posted.text).toBeUndefined();
      expect(posted.json.data.addReview).toMatchObject({ id: expect.stringMatching(/^rev_/), rating: 3 });
    } finally {
      await stack.close();
    }
  });
});
