import type { JSONWebKeySet, JWK } from 'jose';
import { IdentityError } from './IdentityError.js';

/**
 * The gateway's signed statement of who is calling, sent to every subgraph with every
 * request (anonymous ones too). Subgraphs trust this header and nothing else: not the
 * client's `authorization`, not an `x-user-id`.
 */
export const GATEWAY_IDENTITY_HEADER = 'x-gateway-identity';
/** `iss` of every identity token. */
export const GATEWAY_IDENTITY_ISSUER = 'mobile-graph-gateway';
/** The only algorithm signed and accepted: asymmetric, so a subgraph can verify but never mint. */
export const GATEWAY_IDENTITY_ALG = 'ES256';
/** `typ` header: an identity token cannot be mistaken for any other JWT (an access token, say). */
export const GATEWAY_IDENTITY_TYP = 'gateway-identity+jwt';
/** Lifetime (s): long enough for one request's subgraph fetches, short enough that a leaked token is soon useless. */
export const GATEWAY_IDENTITY_TTL_S = 60;

/** A private ES256 JWK with a `kid` (as `GATEWAY_IDENTITY_PRIVATE_KEY` holds it), or an IdentityError saying what is wrong. */
export function parseIdentityPrivateJwk(json: string): JWK {
  const jwk = parseJson(json, 'the private key');
  if (!isObject(jwk)) throw new IdentityError('the private key is not a JWK object');
  checkEcKey(jwk, 'the private key');
  if (typeof jwk.d !== 'string' || jwk.d === '') throw new IdentityError('the private key has no "d" (it is a public key)');
  return jwk as JWK;
}

/** A public JWKS of ES256 keys, each with a distinct `kid` (as `GATEWAY_IDENTITY_JWKS` holds it). */
export function parseIdentityJwks(json: string | JSONWebKeySet): JSONWebKeySet {
  const set = typeof json === 'string' ? parseJson(json, 'the JWKS') : json;
  if (!isObject(set) || !Array.isArray(set.keys)) throw new IdentityError('the JWKS is not an object with a "keys" array');
  if (set.keys.length === 0) throw new IdentityError('the JWKS has no keys');
  const kids = new Set<string>();
  set.keys.forEach((key: unknown, i: number) => {
    const where = `JWKS key ${i + 1}`;
    if (!isObject(key)) throw new IdentityError(`${where} is not a JWK object`);
    checkEcKey(key, where);
    // A private key in a document meant to be handed to every subgraph would let them all mint identities.
    if ('d' in key) throw new IdentityError(`${where} contains private key material ("d"); publish public keys only`);
    if (kids.has(key.kid as string)) throw new IdentityError(`${where} repeats kid "${String(key.kid)}"`);
    kids.add(key.kid as string);
  });
  return set as unknown as JSONWebKeySet;
}

function checkEcKey(key: Record<string, unknown>, where: string): void {
  if (key.kty !== 'EC' || key.crv !== 'P-256') throw new IdentityError(`${where} is not an EC P-256 key (kty "EC", crv "P-256")`);
  if (typeof key.x !== 'string' || typeof key.y !== 'string') throw new IdentityError(`${where} has no "x"/"y" coordinates`);
  if (typeof key.kid !== 'string' || key.kid.trim() === '') throw new IdentityError(`${where} has no "kid"`);
  if (key.alg !== undefined && key.alg !== GATEWAY_IDENTITY_ALG) throw new IdentityError(`${where} is for "${String(key.alg)}", not ${GATEWAY_IDENTITY_ALG}`);
}

function parseJson(json: string, what: string): unknown {
  try {
    return JSON.parse(json) as unknown;
  } catch {
    throw new IdentityError(`${what} is not valid JSON`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
