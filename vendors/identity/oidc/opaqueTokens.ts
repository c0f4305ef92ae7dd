import { createHash, randomBytes } from 'node:crypto';

/** 32 random bytes, base64url: unguessable, URL-safe, carries no meaning. */
export const newOpaqueToken = (): string => randomBytes(32).toString('base64url');

/** Stores key on this, not on the token itself, so a dump of the store reveals no usable token. */
export const tokenDigest = (token: string): string => createHash('sha256').update(token).digest('base64url');
