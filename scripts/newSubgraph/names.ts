/** The spellings of one service name that templates need. */
export interface Names {
  /** `price-alerts`: folders, registry, supergraph. */
  readonly name: string;
  /** `priceAlerts`: fields, variables, file names. */
  readonly camel: string;
  /** `PriceAlerts`: types. */
  readonly pascal: string;
  /** `PRICE_ALERTS`: settings prefix. */
  readonly prefix: string;
}

/** Lower case letters and digits in words joined by `-`, starting with a letter; at most 30. */
export const SERVICE_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const RESERVED = new Set(['kit', 'gateway', 'platform', 'sandbox', 'schema', 'test', 'product', 'query', 'mutation', 'subscription']);

/** Why `name` cannot name a service, or undefined when it can. */
export function nameProblem(name: string): string | undefined {
  if (!SERVICE_NAME.test(name) || name.length > 30) {
    return `"${name}" is not a service name: lower-case letters and digits, words joined by "-", starting with a letter, at most 30 characters (e.g. "loyalty" or "price-alerts")`;
  }
  if (RESERVED.has(name)) return `"${name}" is reserved`;
  return undefined;
}

export function namesOf(name: string): Names {
  const words = name.split('-');
  const pascal = words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
  return { name, camel: pascal[0]!.toLowerCase() + pascal.slice(1), pascal, prefix: name.toUpperCase().replace(/-/g, '_') };
}
