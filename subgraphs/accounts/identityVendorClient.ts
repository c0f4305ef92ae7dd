import { decodeJwt } from 'jose';
import { AppError } from '../../platform/errors/AppError.js';
import type { VendorItemError } from '../kit/errors/VendorItemError.js';
import type { CallContext, VendorClient } from '../kit/vendor/createVendorClient.js';
import { parseAnswer, parseBatchItems } from '../kit/vendor/vendorAnswer.js';
import { vendorRefusal } from '../kit/vendor/vendorErrorBody.js';
import { imageUrl, line, vendorId, z } from '../kit/vendor/vendorValues.js';
import { badField, type CredentialField } from './credentials.js';
import type { Session, UserProfile } from './model.js';

/** The identity vendor's user id shape: `usr_0001`. */
const USER_ID = vendorId('usr_');

/** A profile as it may reach a phone: a one-line name (≤ 80, as sign-up allows), an https avatar or none, an email. */
const user = z
  .object({
    user_id: USER_ID,
    name: line(80),
    picture: imageUrl().nullable().optional(),
    email: z.email().max(254),
  })
  .transform((o): UserProfile => ({ id: o.user_id, displayName: o.name, avatarUrl: o.picture ?? null, email: o.email }));

/** RFC 6749 token characters (and JWT's), bounded: a token is never a megabyte or a line break. */
const token = (max: number) => z.string().min(1).max(max).regex(/^[A-Za-z0-9._~+/=-]+$/, { message: 'must be a token' });

/** A token response (RFC 6749 §5.1). */
const tokenResponse = z.object({
  access_token: token(8192),
  refresh_token: token(4096),
  token_type: z.string().regex(/^bearer$/i, { message: 'must be Bearer' }),
  expires_in: z.int().min(1).max(86_400),
  // RFC 6749 §3.3 scope-tokens separated by single spaces.
  scope: z.string().max(1024).regex(/^[\x21\x23-\x5B\x5D-\x7E]+( [\x21\x23-\x5B\x5D-\x7E]+)*$/, { message: 'must be space-separated scopes' }),
});

/** The users envelope, built once: a zod schema is costly to build and compiles on its first parse, so one built per answer cost every call that twice over. */
const usersEnvelope = z.object({ users: z.array(z.unknown()) });

/** The access token's `sub` is read, not verified: it came straight from the issuer. */
function parseSession(json: unknown): Session {
  const o = parseAnswer(tokenResponse, json);
  const sub = USER_ID.safeParse(decodeJwt(o.access_token).sub);
  if (!sub.success) throw new Error('vendor answer refused: the access token has no sub in the user id shape');
  return {
    userId: sub.data,
    accessToken: o.access_token,
    refreshToken: o.refresh_token,
    tokenType: o.token_type,
    expiresIn: o.expires_in,
    scope: o.scope,
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
    // 'user_exists' is not mapped: `signUp` answers 'taken' instead, and the resolver answers like a sign-in (never "this email has an account").
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
    parse: (json) => parseAnswer(user, json),
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
    /** Each id asked is a profile, a `VendorItemError` (that profile failed its checks) or absent (no such user). */
    usersByIds: vendor.operation<readonly string[], (UserProfile | VendorItemError)[]>({
      name: 'users.lookup',
      idempotent: true,
      request: (ids) => ({ method: 'POST', path: '/api/users/lookup', body: { ids } }),
      parse: (json, _status, ids) =>
        parseBatchItems(parseAnswer(usersEnvelope, json).users, ids, {
          source: { vendor: vendor.name, operation: 'users.lookup' },
          item: user,
          idField: 'user_id',
          at: 'body.users',
        }),
    }),

    /**
     * Creates the account, or answers 'taken' when the email already has one (for the caller
     * to answer like a sign-in, never to pass on as such); rejects with BAD_USER_INPUT
     * AppErrors, or a VendorError.
     */
    signUp: async (input: { email: string; password: string; name: string }, ctx: CallContext): Promise<UserProfile | 'taken'> => {
      try {
        return await signup.call(input, ctx);
      } catch (err) {
        const refusal = vendorRefusal(err);
        if (refusal?.kind === 'rejected' && refusal.error === 'user_exists') return 'taken';
        throw toIdentityError(err, 'signUp');
      }
    },

    /** The password grant; wrong credentials → UNAUTHENTICATED. */
    signIn: (input: { email: string; password: string }, ctx: CallContext, flow: IdentityFlow = 'signIn'): Promise<Session> =>
      mapped(flow, () => token.call({ grant_type: 'password', username: input.email, password: input.password }, ctx)),

    /** The refresh grant (rotating: the old token stops working); spent or unknown token → UNAUTHENTICATED. */
    refresh: (refreshToken: string, ctx: CallContext): Promise<Session> =>
      mapped('refresh', () => token.call({ grant_type: 'refresh_token', refresh_token: refreshToken }, ctx)),
  };
}

export type IdentityVendorClient = ReturnType<typeof createIdentityVendorClient>;
