import * as z from 'zod';

/**
 * The kit's vocabulary of vendor values (zod 4 schemas), so every vendor client checks a
 * name, a URL, a count or a price the same way. A vendor is a third party: what it sends is
 * checked for ranges, lengths and characters, not only types, before it can reach a phone.
 */
export { z };

/** C0 controls (NUL included), DEL and C1 controls; `multiline` allows tab, LF and CR. */
function hasControlCharacter(value: string, multiline: boolean): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
      if (multiline && (c === 0x09 || c === 0x0a || c === 0x0d)) continue;
      return true;
    }
  }
  return false;
}

const NO_CONTROL = { message: 'must not contain control characters' } as const;

/** One line of text (a name, a title, a category): `min`..`max` characters, no control character at all. */
export function line(max: number, min = 1) {
  return z
    .string()
    .min(min)
    .max(max)
    .refine((s) => !hasControlCharacter(s, false), NO_CONTROL);
}

/** Prose (a description, a review's text): `min`..`max` characters; tab and line breaks allowed, other controls not. */
export function prose(max: number, min = 1) {
  return z
    .string()
    .min(min)
    .max(max)
    .refine((s) => !hasControlCharacter(s, true), NO_CONTROL);
}

/**
 * An id in the vendor's own shape: `prefix` then 1+ letters or digits, 64 characters at most
 * in all, so that it is also a valid entity id (`isEntityId`) when it comes back as a key.
 */
export function vendorId(prefix: string) {
  const escaped = prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return z
    .string()
    .max(64)
    .regex(new RegExp(`^${escaped}[A-Za-z0-9]+$`), { message: `must be an id like ${prefix}…` });
}

/**
 * An absolute https URL of an image (a product photo, an avatar), at most 2048 characters.
 * https only, also from the sandbox: a phone loads these URLs itself, so `javascript:`,
 * `data:`, `file:` and plain `http:` (mixed content, refused by iOS ATS) never pass.
 */
export function imageUrl() {
  return z
    .string()
    .max(2048)
    .refine((s) => !hasControlCharacter(s, false) && !/\s/.test(s), { message: 'must not contain spaces or control characters' })
    .pipe(z.url({ protocol: /^https$/, hostname: z.regexes.domain }));
}

/** A count of things: an integer from 0 to `max` (default one billion). */
export function count(max = 1_000_000_000) {
  return z.int().min(0).max(max);
}

/** Money as integer minor units (cents): 0 to `max` (default 1,000,000.00). Never negative, never a float. */
export function cents(max = 100_000_000) {
  return z.int().min(0).max(max);
}

/** An ISO 4217 currency code ("USD"; the vendor's case is accepted). */
export function currency() {
  return z.string().regex(/^[A-Za-z]{3}$/, { message: 'must be a 3-letter currency code' });
}

/** An ISO 8601 UTC timestamp ("2024-05-01T12:00:00Z", fractions allowed). */
export function timestamp() {
  return z.iso.datetime();
}
