/**
 * Paylane's seeded data: one record per product of the commerce catalogue's id shape
 * (`prod_0001` … `prod_0500`) and locale, computed from the id so that it is the same on
 * every run. Every seventh product has no record, so callers meet missing ids.
 * Replace with data shaped like your vendor's.
 */
export interface PaymentsRecord {
  readonly product_id: string;
  readonly locale: string;
  readonly label: string;
  /** 0.0..5.0, or null when the vendor has no score yet. */
  readonly score: number | null;
  readonly updated_at: string;
}

/** The vendor's documented maximum of ids per batch call. */
export const RECORDS_MAX_BATCH = 50;
export const LOCALE = /^[a-z]{2}$/;

const PRODUCT_ID = /^prod_(\d{4})$/;
const PRODUCT_COUNT = 500;
const LABELS: Readonly<Record<string, readonly string[]>> = {
  en: ['Bronze', 'Silver', 'Gold', 'Platinum', 'Diamond'],
  de: ['Bronze', 'Silber', 'Gold', 'Platin', 'Diamant'],
  fr: ['Bronze', 'Argent', 'Or', 'Platine', 'Diamant'],
};

export function recordFor(productId: string, locale: string): PaymentsRecord | undefined {
  const match = PRODUCT_ID.exec(productId);
  if (match === null) return undefined;
  const n = Number(match[1]);
  if (n < 1 || n > PRODUCT_COUNT || n % 7 === 0) return undefined;
  const labels = LABELS[locale] ?? LABELS.en!;
  return {
    product_id: productId,
    locale,
    label: labels[n % labels.length]!,
    score: n % 3 === 0 ? null : ((n * 37) % 51) / 10,
    updated_at: new Date(Date.UTC(2026, 0, 1) + n * 3_600_000).toISOString(),
  };
}
