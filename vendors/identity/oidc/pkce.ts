import { createHash } from 'node:crypto';
import { sameSecret } from '../../sandbox/sameSecret.js';

/** RFC 7636 §4.1: 43..128 unreserved characters. */
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;
/** An S256 challenge is a base64url SHA-256: exactly 43 characters. */
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

export const isS256Challenge = (challenge: string): boolean => S256_CHALLENGE.test(challenge);

export const isCodeVerifier = (verifier: string): boolean => VERIFIER.test(verifier);

/** BASE64URL(SHA256(ASCII(code_verifier))), what the client sent as code_challenge. */
export const s256Challenge = (verifier: string): string => createHash('sha256').update(verifier, 'ascii').digest('base64url');

/** True when `verifier` is well formed and hashes to `challenge` (compared in constant time). */
export function verifyS256(verifier: string, challenge: string): boolean {
  return isCodeVerifier(verifier) && sameSecret(s256Challenge(verifier), challenge);
}
