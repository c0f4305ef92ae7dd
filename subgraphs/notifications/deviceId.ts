import { createHash } from 'node:crypto';

/**
 * The id the app sees for a device: derived from its token, so it is stable across
 * re-registrations, but one-way, so that a token (which lets anyone holding our push keys
 * reach the phone) is never shown back, not even to its owner.
 */
export function deviceId(token: string): string {
  return `dev_${createHash('sha256').update(token, 'utf8').digest('hex').slice(0, 24)}`;
}
