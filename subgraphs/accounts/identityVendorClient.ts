import { decodeJwt } from 'jose';
import { AppError } from '../../platform/errors/AppError.js';
import type { CallContext, VendorClient } from '../kit/vendor/createVendorClient.js';
import { int, list, obj, str, strOrNull } from '../kit/vendor/shape.js';
import { vendorRefusal } from '../kit/vendor/vendorErrorBody.js';
import { badField, type CredentialField } from './credentials.js';
import type { Session, UserProfile } from './model.js';

function parseUser(value: unknown, path: string): UserProfile {
  const o = obj(value, path);
  return {
    id: str(o.user_id, `${path}.user_id`),
    displayName: str(o.name, `${path}.name`),
    avatarUrl: strOrNull(o.picture, `${path}.picture`),
    email: str(o.email, `${path}.email`),
  };
}

/** A token response (RFC 6749 §5.1). The access token's `sub` is read, not verified: it came straight from the issuer. */
function parseSession(json: unknown): Session {
  const o = obj(json, 'body');
  const accessToken = str(o.access_token, 'body.access_token');
  const sub = decodeJwt(accessToken).sub;
  if (typeof sub !== 'string' || sub.length === 0) throw new Error('vendor response: the access token has no sub');
  return {
    userId: sub,
    accessToken,
    refreshToken: str(o.refresh_token, 'body.refresh_token'),
    tokenType: str(o.token_type, 'body.token_type'),
    expiresIn: int(o.expires_in, 'body.expires_in'),
    scope: str(o.scope, 'body.scope'),
  };
}

/** Which call a refusal answers; `invalid_grant` means something different for each. */
export type IdentityFlow = 'signUp' | 'signIn' | 'refresh';

const fieldOfVendor: Readonly<Record<string, CredentialField>> = { email: 'email', password: 'password', name: 'displayName' };

/**
 * The one place the identity provider's refusals become our codes (its own descriptions
 * are never passed on: they are its words, and may change). Anything not listed keeps the
 * kit's mapping (VENDOR_UNAVAILABLE for its outages or for our client being refused, …).
 */
export function toIdentityError(err: unknown, flow: IdentityFlow): unknown {
  const refusal = vendorRefusal(err);
  if (refusal === undefined || refusal.kind !== 'rejected') return err;
  switch (refusal.error) {
    case 'invalid_grant':
      // One message for an unknown email and a wrong password: no way to probe for accounts.
      return flow === 'refresh'
        ? new AppError('UNAUTHENTICATED', 'This session has ended. Sign in again.', { cause: err })
        : new AppError('UNAUTHENTICATED', 'Wrong email or password.', { cause: err });
    case 'user_exists':
      return new AppError('CONFLICT', 'An account with this email already exists.', { cause: err });
    case 'invalid_signup': {
      const fields = refusal.json?.fields;
      const named = typeof fields === 'object' && fields !== null ? Object.keys(fields).flatMap((f) => fieldOfVendor[f] ?? []) : [];
      const order: CredentialField[] = ['email', 'password', 'displayName'];
      const first = order.find((f) => named.includes(f));
      return first === undefined ? new AppError('BAD_USER_INPUT', undefined, { cause: err }) : badField(first);
    }
    default:
      return err;
  }
}

async function mapped<T>(flow: IdentityFlow, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw toIdentityError(err, flow);
  }
}

export interface OAuthClientCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
}

/**
 * The identity vendor's API as validated kit operations: the user lookup (a read), and
 * sign-up and the token endpoint (writes: never retried, never cached). Request bodies
 * (passwords, client secret, refresh tokens) are never logged by the kit.
 */
export function createIdentityVendorClient(vendor: VendorClient, oauth: OAuthClientCredentials) {
  const signup = vendor.operation<{ email: string; password: string; name: string }, UserProfile>({
    name: 'users.signup',
    idempotent: false,
    request: (input) => ({ method: 'POST', path: '/dbconnections/signup', body: { email: input.email, password: input.password, name: input.name } }),
    parse: (json) => parseUser(json, 'body'),
  });

  // Sent as JSON (the issuer takes forms or JSON), with client_secret_post.
  const token = vendor.operation<Record<string, string>, Session>({
    name: 'oauth.token',
    idempotent: false,
    request: (params) => ({ method: 'POST', path: '/oauth/token', body: { ...params, client_id: oauth.clientId, client_secret: oauth.clientSecret } }),
    parse: parseSession,
  });

  return {
    // A POST, but a read: safe to retry.
    usersByIds: vendor.operation<readonly string[], UserProfile[]>({
      name: 'users.lookup',
      idempotent: true,
      request: (ids) => ({ method: 'POST', path: '/api/users/lookup', body: { ids } }),
      parse: (json) => list(obj(json, 'body').users, 'body.users', parseUser),
    }),

    /** Creates the account; rejects with CONFLICT / BAD_USER_INPUT AppErrors, or a VendorError. */
    signUp: (input: { email: string; password: string; name: string }, ctx: CallContext): Promise<UserProfile> =>
      mapped('signUp', () => signup.call(input, ctx)),

    /** The password grant; wrong credentials → UNAUTHENTICATED. */
    signIn: (input: { email: string; password: string }, ctx: CallContext, flow: IdentityFlow = 'signIn'): Promise<Session> =>
      mapped(flow, () => token.call({ grant_type: 'password', username: input.email, password: input.password }, ctx)),

    /** The refresh grant (rotating: the old token stops working); spent or unknown token → UNAUTHENTICATED. */
    refresh: (refreshToken: string, ctx: CallContext): Promise<Session> =>
      mapped('refresh', () => token.call({ grant_type: 'refresh_token', refresh_token: refreshToken }, ctx)),
  };
}

export type IdentityVendorClient = ReturnType<typeof createIdentityVendorClient>;
