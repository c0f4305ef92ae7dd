/** An entity tag of an `If-None-Match` list: weak or strong, its opaque part in quotes. */
const ENTITY_TAG = /(?:W\/)?("[^"]*")/g;

/**
 * Whether `If-None-Match` names the representation tagged `etag` (a quoted strong tag), so
 * that a 304 may answer: `*`, or one of its tags by weak comparison (RFC 9110, 13.1.2),
 * since a GET only needs the same content. Anything malformed names nothing.
 */
export function notModified(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  if (ifNoneMatch.trim() === '*') return true;
  for (const [, opaque] of ifNoneMatch.matchAll(ENTITY_TAG)) {
    if (opaque === etag) return true;
  }
  return false;
}
