import { badUserInput } from '../../platform/errors/AppError.js';

/**
 * Our cursors are opaque to clients and wrap the vendor's: `c` is the vendor cursor of
 * the page an edge came from (null = first page) and `s` how many items of that page
 * come before the edge's successor. Edge i of a page gets { c, s: i + 1 }, so any
 * edge can be resumed from, although the vendor only gives one cursor per page.
 */
export interface ProductCursor {
  readonly c: string | null;
  readonly s: number;
}

const MAX_CURSOR_LENGTH = 512;

export function encodeCursor(cursor: ProductCursor): string {
  return Buffer.from(JSON.stringify({ v: 1, c: cursor.c, s: cursor.s })).toString('base64url');
}

export function decodeCursor(raw: string, argument = 'after'): ProductCursor {
  const invalid = () => badUserInput(argument, 'a cursor returned by a previous page (pageInfo.endCursor or edges.cursor)');
  if (raw.length === 0 || raw.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(raw)) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof parsed !== 'object' || parsed === null) throw invalid();
  const { v, c, s } = parsed as Record<string, unknown>;
  if (v !== 1 || !(c === null || (typeof c === 'string' && c.length > 0 && c.length <= 256))) throw invalid();
  if (typeof s !== 'number' || !Number.isInteger(s) || s < 0 || s > 100) throw invalid();
  return { c, s };
}
