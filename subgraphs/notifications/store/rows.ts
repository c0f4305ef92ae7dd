/** Timestamps come back as Date from both store kinds; kept tolerant of strings like payments' rows. */
export const asDate = (v: Date | string): Date => (v instanceof Date ? v : new Date(v));

/** jsonb comes back parsed from both kinds; a string is parsed once more for safety. */
export const asJson = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));
