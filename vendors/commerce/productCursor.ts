import { VendorHttpError } from '../sandbox/VendorHttpError.js';

// ShopCore's cursors are opaque to clients: base64url of "sc1:<last id seen>".
const PREFIX = 'sc1:';
const ID = /^prod_\d{4}$/;

export function encodeProductCursor(lastId: string): string {
  return Buffer.from(`${PREFIX}${lastId}`, 'utf8').toString('base64url');
}

/** The last id of the previous page; a 400 for anything ShopCore did not issue. */
export function decodeProductCursor(cursor: string): string {
  const text = /^[A-Za-z0-9_-]{1,64}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const id = text.startsWith(PREFIX) ? text.slice(PREFIX.length) : '';
  if (!ID.test(id) || encodeProductCursor(id) !== cursor) {
    throw new VendorHttpError(400, 'invalid_cursor', `cursor ${JSON.stringify(cursor.slice(0, 80))} is not a valid pagination cursor`);
  }
  return id;
}
