import type { ParseResult } from '../config/setting.js';

/** Longest key or value the spec allows in OTEL_RESOURCE_ATTRIBUTES. */
const MAX_LENGTH = 255;

/**
 * OTEL_RESOURCE_ATTRIBUTES (`key=value,key=value`, `,` and `=` percent-encoded) as the spec
 * reads it. The SDK's own detector drops the whole variable at debug level on one bad
 * entry, so an operator would never learn why the attributes are missing: a bad entry
 * is a config error here instead.
 */
export function parseResourceAttributes(raw: string): ParseResult<Record<string, string>> {
  const attributes: Record<string, string> = {};
  for (const entry of raw.split(',')) {
    if (entry.trim() === '') continue;
    const parts = entry.split('=');
    const [rawKey, rawValue] = parts;
    if (parts.length !== 2 || rawKey === undefined || rawValue === undefined || rawKey.trim() === '') {
      return fail(`"${entry.trim()}" is not key=value`);
    }
    let key: string;
    let value: string;
    try {
      key = decodeURIComponent(rawKey.trim());
      value = decodeURIComponent(rawValue.trim());
    } catch {
      return fail(`"${entry.trim()}" is not percent-encoded correctly`);
    }
    if (key.length > MAX_LENGTH || value.length > MAX_LENGTH) return fail(`"${key}" is longer than ${MAX_LENGTH} characters`);
    attributes[key] = value;
  }
  return { ok: true, value: attributes };
}

function fail(problem: string): ParseResult<never> {
  return { ok: false, expected: `key=value pairs separated by commas (, and = percent-encoded): ${problem}` };
}
