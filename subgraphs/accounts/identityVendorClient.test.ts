import { describe, expect, it } from 'vitest';
import { AppError } from '../../platform/errors/AppError.js';
import { VendorError } from '../kit/errors/VendorError.js';
import { toIdentityError } from './identityVendorClient.js';

const refusal = (status: number, body: unknown) =>
  new VendorError(status === 401 ? 'auth' : 'rejected', { vendor: 'identity', operation: 'op', status, body: typeof body === 'string' ? body : JSON.stringify(body) });

const summary = (err: unknown) => (err instanceof AppError ? [err.code, err.message, err.extensions.field] : err);

describe('toIdentityError: the identity provider refusals, in our words', () => {
  it('invalid_signup → BAD_USER_INPUT naming our field, with our message, never the provider description', () => {
    const err = toIdentityError(refusal(400, { error: 'invalid_signup', description: 'IdentiCo says: name too long', fields: { name: 'Must be 1 to 80…' } }), 'signUp');
    expect(summary(err)).toEqual(['BAD_USER_INPUT', 'Field "displayName" of "input" is invalid: expected 1 to 80 characters (not counting surrounding spaces).', 'displayName']);
    expect((err as Error).message).not.toContain('IdentiCo');
    const both = toIdentityError(refusal(400, { error: 'invalid_signup', fields: { name: 'x', password: 'y' } }), 'signUp');
    expect(summary(both)).toEqual([
      'BAD_USER_INPUT',
      'Field "password" of "input" is invalid: expected 10 to 128 characters, not the same as the email address.',
      'password',
    ]);
  });

  it('invalid_grant → UNAUTHENTICATED, worded for sign-in or for a refresh', () => {
    expect(summary(toIdentityError(refusal(400, { error: 'invalid_grant' }), 'signIn'))).toEqual(['UNAUTHENTICATED', 'Wrong email or password.', undefined]);
    expect(summary(toIdentityError(refusal(400, { error: 'invalid_grant' }), 'refresh'))).toEqual([
      'UNAUTHENTICATED',
      'This session has ended. Sign in again.',
      undefined,
    ]);
  });

  it('user_exists gets no code of its own ("this email has an account"): signUp answers it as a sign-in before it gets here', () => {
    const err = refusal(409, { error: 'user_exists' });
    expect(toIdentityError(err, 'signUp')).toBe(err);
  });

  it("anything else keeps the kit's mapping (the same VendorError back)", () => {
    for (const err of [refusal(401, { error: 'invalid_client' }), refusal(400, 'not json'), refusal(400, { error: 'invalid_scope' }), new Error('x')]) {
      expect(toIdentityError(err, 'signIn')).toBe(err);
    }
  });
});
