/**
 * A vendor's integer minor units (cents) as the graph's `Money`: a decimal string with two
 * fraction digits (never a float, so no cent is lost) and the ISO 4217 code in upper case.
 * Every currency the vendors price in has two fraction digits.
 */
export function moneyFromMinorUnits(minor: number, currency: string): { readonly amount: string; readonly currency: string } {
  const cents = Math.trunc(minor);
  const abs = Math.abs(cents);
  return { amount: `${cents < 0 ? '-' : ''}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`, currency: currency.toUpperCase() };
}
