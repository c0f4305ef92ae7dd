import type { IncomingMessage } from 'node:http';

/** The header the app sends with the id it made at install time (a random UUID). */
export const INSTALL_ID_HEADER = 'x-install-id';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The app install's id from `x-install-id`, lower-cased, when it has a UUID's shape;
 * anything else (absent, repeated, too long, not a UUID) is ignored, as if none was sent.
 * It is the client's to choose, so it only ever splits an address's budget (see
 * `createAdmission`), never adds to it.
 */
export function installId(req: IncomingMessage): string | undefined {
  const raw = req.headers[INSTALL_ID_HEADER];
  if (typeof raw !== 'string' || raw.length > 64) return undefined;
  const id = raw.trim().toLowerCase();
  return UUID.test(id) ? id : undefined;
}
