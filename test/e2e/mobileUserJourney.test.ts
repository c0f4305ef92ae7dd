import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeCode, newPkce, passwordSignIn, signUp as vendorSignUp, tokenRequest, uniqueEmail } from '../../vendors/identity/identityTestClient.js';
import { firstErrorCode } from '../harness/firstErrorCode.js';
import { findLeaks } from '../harness/leaks.js';
import { operation } from '../harness/operations.js';
import { startStack, type Stack } from '../harness/startStack.js';

/**
 * What a mobile user does, end to end through the gateway with real tokens from the
 * sandbox identity provider: sign up, sign in, see themselves, post a review, refresh
 * the session; and the direct PKCE path where the app talks to the provider itself.
 */
describe('a mobile user signs up, signs in and posts a review', () => {
  let stack: Stack;
  const email = uniqueEmail('journey');
  const password = 'correct horse battery staple';
  let accessToken = '';
  let refreshToken = '';
  let userId = '';

  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  it('signs up through the graph and gets tokens', async () => {
    const res = await stack.query(operation('SignUp'), { input: { email, password, displayName: 'Journey Tester' } });
    expect(res.json.errors).toBeUndefined();
    const payload = res.json.data.signUp;
    expect(payload).toMatchObject({ tokenType: 'Bearer', user: { displayName: 'Journey Tester' } });
    expect(payload.scope.split(' ')).toContain('reviews:write');
    expect(payload.accessToken.split('.')).toHaveLength(3);
    // Tokens must never sit in a shared cache.
    expect(res.headers.get('cache-control')).toContain('no-store');
    userId = payload.user.id;
  });

  it('a second sign-up with the same email never says "taken": its own password signs in, another is a wrong password; a weak password is clear', async () => {
    const again = await stack.query(operation('SignUp'), { input: { email, password, displayName: 'Copy' } });
    expect(again.json.errors).toBeUndefined();
    expect(again.json.data.signUp.user).toEqual({ id: userId, displayName: 'Journey Tester' });
    const other = await stack.query(operation('SignUp'), { input: { email, password: 'someone else entirely', displayName: 'Copy' } });
    expect(other.json.errors.map((e: { message: string; extensions: { code: string } }) => [e.extensions.code, e.message])).toEqual([
      ['UNAUTHENTICATED', 'Wrong email or password.'],
    ]);
    const weak = await stack.query(operation('SignUp'), { input: { email: uniqueEmail('weak'), password: 'short', displayName: 'Weak' } });
    expect(firstErrorCode(weak.json)).toBe('BAD_USER_INPUT');
    expect(weak.json.errors[0].message).toMatch(/password/i);
  });

  it('signs in, and a wrong password says only that', async () => {
    const wrong = await stack.query(operation('SignIn'), { input: { email, password: 'not the password at all' } });
    expect(firstErrorCode(wrong.json)).toBe('UNAUTHENTICATED');
    expect(findLeaks(wrong.text, stack.sandbox)).toEqual([]);

    const res = await stack.query(operation('SignIn'), { input: { email, password } });
    expect(res.json.errors).toBeUndefined();
    ({ accessToken, refreshToken } = res.json.data.signIn);
    expect(res.json.data.signIn.user.id).toBe(userId);
  });

  it('sees itself with its token, email included; anonymous callers get null', async () => {
    const me = await stack.query(operation('Me'), undefined, bearer(accessToken));
    expect(me.json.errors).toBeUndefined();
    expect(me.json.data.me).toEqual({ id: userId, displayName: 'Journey Tester', avatarUrl: null, email });

    const anonymous = await stack.query(operation('Me'));
    expect(anonymous.json).toMatchObject({ data: { me: null } });
    expect(anonymous.json.errors).toBeUndefined();
  });

  it('posts a review that shows up on the product page at once, and a retry does not duplicate it', async () => {
    const productId = 'prod_0002'; // the seed leaves this product without reviews
    const variables = { productId, rating: 4, title: 'Solid', body: 'Fits well and arrived quickly.' };
    const posted = await stack.query(operation('AddReview'), variables, bearer(accessToken));
    expect(posted.json.errors).toBeUndefined();
    const review = posted.json.data.addReview;
    expect(review).toMatchObject({ rating: 4, title: 'Solid', author: { id: userId, displayName: 'Journey Tester' } });

    // A flaky network makes the app send the same mutation again: same review, not a second one.
    const retried = await stack.query(operation('AddReview'), variables, bearer(accessToken));
    expect(retried.json.data.addReview.id).toBe(review.id);

    const page = await stack.query(operation('ProductPage'), { id: productId, reviews: 5 });
    expect(page.json.data.product.rating).toEqual({ average: 4, count: 1 });
    expect(page.json.data.product.reviews.map((r: { id: string }) => r.id)).toEqual([review.id]);

    const second = await stack.query(operation('AddReview'), { ...variables, body: 'Changed my mind.' }, bearer(accessToken));
    expect(firstErrorCode(second.json)).toBe('CONFLICT');
  });

  it('refuses anonymous and under-scoped callers with UNAUTHENTICATED and FORBIDDEN', async () => {
    const variables = { productId: 'prod_0003', rating: 5, title: 'Great', body: 'Really great.' };
    const anonymous = await stack.query(operation('AddReview'), variables);
    expect(firstErrorCode(anonymous.json)).toBe('UNAUTHENTICATED');
    expect(anonymous.json.data).toBeNull();

    const narrow = await passwordSignIn(stack.sandbox.identity, { username: email, password, scope: 'openid profile' });
    const forbidden = await stack.query(operation('AddReview'), variables, bearer(narrow.access_token));
    expect(firstErrorCode(forbidden.json)).toBe('FORBIDDEN');
    expect(forbidden.json.errors[0].message).toContain('reviews:write');
  });

  it('refreshes its session with rotation; replaying an old refresh token ends the whole session', async () => {
    const first = await stack.query(operation('RefreshSession'), { refreshToken });
    expect(first.json.errors).toBeUndefined();
    const rotated = first.json.data.refreshSession.refreshToken;
    expect(rotated).not.toBe(refreshToken);

    const replay = await stack.query(operation('RefreshSession'), { refreshToken });
    expect(firstErrorCode(replay.json)).toBe('UNAUTHENTICATED');
    // Reuse revoked the family: the legitimately rotated token is dead too.
    const afterReplay = await stack.query(operation('RefreshSession'), { refreshToken: rotated });
    expect(firstErrorCode(afterReplay.json)).toBe('UNAUTHENTICATED');
  });

  it('accepts tokens the app got directly from the identity provider with PKCE (RFC 8252)', async () => {
    const other = { email: uniqueEmail('pkce'), password: 'a long enough password', name: 'Pkce User' };
    const created = await vendorSignUp(stack.sandbox.identity, other);
    const pkce = newPkce();
    const { code, state } = await authorizeCode(stack.sandbox.identity, {
      challenge: pkce.challenge,
      state: 'xyz',
      scope: 'openid profile offline_access reviews:write',
      email: other.email,
      password: other.password,
    });
    expect(state).toBe('xyz');
    const tokenRes = await tokenRequest(stack.sandbox.identity, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: 'com.example.shop:/oauth/callback',
      client_id: 'mobile-app',
      code_verifier: pkce.verifier,
    });
    expect(tokenRes.status).toBe(200);
    const tokens = (await tokenRes.json()) as { access_token: string };

    const me = await stack.query(operation('Me'), undefined, bearer(tokens.access_token));
    expect(me.json.data.me).toMatchObject({ id: created.user_id, displayName: 'Pkce User', email: other.email });
  });

  it('answers a bad token with 401 and WWW-Authenticate, then keeps serving', async () => {
    const res = await stack.query(operation('Me'), undefined, bearer(`${accessToken.slice(0, -4)}AAAA`));
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer .*error="invalid_token"/);
    expect(firstErrorCode(res.json)).toBe('UNAUTHENTICATED');

    const next = await stack.query(operation('HomeScreen'));
    expect(next.status).toBe(200);
    expect(next.json.errors).toBeUndefined();
  });
});
