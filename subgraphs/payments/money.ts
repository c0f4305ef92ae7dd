/** Integer minor units to the graph's `Money` (a decimal string with two fraction digits: the currencies we sell in have two). */
export function money(minor: number, currency: string): { amount: string; currency: string } {
  const abs = Math.abs(Math.trunc(minor));
  return { amount: `${minor < 0 ? '-' : ''}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`, currency };
}
