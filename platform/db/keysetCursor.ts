/**
 * The opaque cursor of a newest-first page over `(created_at, id)`: a page after it is
 * `WHERE (created_at, id) < ($cursor.createdAt::timestamptz, $cursor.id)`, exact however many
 * rows arrive meanwhile. It carries milliseconds (JavaScript's Date), so the column must be
 * stored in milliseconds too (`DEFAULT date_trunc('milliseconds', now())`): at microseconds,
 * rows of the cursor's millisecond sort past it and a page skips them.
 */
export function keysetCursor(createdAt: Date, id: string): string {
  return Buffer.from(`${createdAt.toISOString()}|${id}`, 'utf8').toString('base64url');
}

/** The cursor's parts, or null when it is not one of ours (a client's input error); `id` must match `idPattern`. */
export function parseKeysetCursor(cursor: string, idPattern: RegExp): { createdAt: string; id: string } | null {
  if (cursor.length > 200) return null;
  const [createdAt, id, extra] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (extra !== undefined || createdAt === undefined || id === undefined) return null;
  if (!idPattern.test(id) || Number.isNaN(Date.parse(createdAt))) return null;
  return { createdAt, id };
}
