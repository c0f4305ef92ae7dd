import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/**
 * Compares secrets in constant time. Both sides are hashed first: `timingSafeEqual` needs
 * equal lengths, and comparing lengths first would tell a caller how long the secret is.
 */
export const sameSecret = (presented: string, expected: string): boolean => timingSafeEqual(digest(presented), digest(expected));
