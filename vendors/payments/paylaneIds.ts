import { randomInt } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * `prefix` + `length` random [A-Za-z0-9]. Cryptographically random, not seeded: client secrets
 * and ephemeral keys are credentials, and ids must not repeat across runs that share a database.
 */
export function paylaneId(prefix: string, length = 24): string {
  let out = prefix;
  for (let i = 0; i < length; i++) out += ALPHABET[randomInt(ALPHABET.length)];
  return out;
}

/** The shapes Paylane's ids and secrets take; anything else is a 400 before any lookup. */
export const ID_SHAPES = {
  payment_intent: /^pi_[A-Za-z0-9]{24}$/,
  customer: /^cus_[A-Za-z0-9]{14}$/,
  event: /^evt_[A-Za-z0-9]{24}$/,
  payment_method: /^pm_[A-Za-z0-9]{24}$/,
} as const;
