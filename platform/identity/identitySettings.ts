import type { Env, ParseResult, Setting } from '../config/setting.js';
import { parseIdentityJwks, parseIdentityPrivateJwk } from './gatewayIdentity.js';
import { IdentityError } from './IdentityError.js';

const isProduction = (env: Env | undefined) => env?.NODE_ENV?.trim() === 'production';

/**
 * A JSON key setting that may stay unset in development and test but is required when
 * NODE_ENV=production, checked here so that `parseConfig` reports it with every other problem.
 */
function keySetting(
  env: string,
  opts: { description: string; secret: boolean; expected: string; check: (json: string) => unknown },
): Setting<string | undefined> {
  return {
    env,
    description: opts.description,
    defaultText: '(unset; required when NODE_ENV=production)',
    secret: opts.secret,
    parse(raw, all): ParseResult<string | undefined> {
      if (raw === undefined || raw.trim() === '') {
        return isProduction(all) ? { ok: false, expected: `${opts.expected} (required when NODE_ENV=production)` } : { ok: true, value: undefined };
      }
      try {
        opts.check(raw.trim());
      } catch (err) {
        if (err instanceof IdentityError) return { ok: false, expected: `${opts.expected}, but ${err.reason}` };
        throw err;
      }
      return { ok: true, value: raw.trim() };
    },
  };
}

/** The gateway's signing key for the identity it forwards (`npm run keys:identity` makes one). */
export function identityPrivateKeySetting(): Setting<string | undefined> {
  return keySetting('GATEWAY_IDENTITY_PRIVATE_KEY', {
    secret: true,
    expected: 'a private EC P-256 JWK with a "kid", as JSON',
    check: parseIdentityPrivateJwk,
    description:
      'Private ES256 JWK (JSON, with a kid) the gateway signs the x-gateway-identity it sends every subgraph with. Secret. Unset outside production: no identity is forwarded, so subgraphs without a JWKS see every caller as anonymous.',
  });
}

/** A subgraph's copy of the gateway's public keys. */
export function identityJwksSetting(): Setting<string | undefined> {
  return keySetting('GATEWAY_IDENTITY_JWKS', {
    secret: false,
    expected: 'a JWKS of public EC P-256 keys with kids, as JSON ({"keys":[…]})',
    check: parseIdentityJwks,
    description:
      'Public JWKS (JSON) of the gateway identity key(s); list the old and the new key during a rotation. Set: every GraphQL request needs a valid x-gateway-identity. Unset outside production: anonymous only.',
  });
}
