import type { ParseResult } from '../config/setting.js';

/** RFC 9110 token: what a header name may be. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** What a header value may hold once decoded (RFC 9110 field-value: visible characters, spaces and tabs). */
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
/** Headers the exporter sets itself, or that frame the request: one of these from a variable would break every export. */
const RESERVED = ['content-type', 'content-length', 'content-encoding', 'transfer-encoding', 'connection', 'host'];

/**
 * OTEL_EXPORTER_OTLP_HEADERS (`key=value,key=value`, values percent-encoded) as the spec
 * reads it, names lowercased. The SDK would skip a bad entry without a word (and an export
 * without its credentials is refused by the collector, batch after batch): a bad entry
 * is a config error here. The value is a secret (collector credentials): a problem names
 * the entry by its position, never by what it holds.
 */
export function parseOtlpHeaders(raw: string): ParseResult<Readonly<Record<string, string>>> {
  const headers: Record<string, string> = {};
  const entries = raw.split(',');
  for (const [index, entry] of entries.entries()) {
    if (entry.trim() === '') continue;
    const which = `entry ${index + 1}`;
    const eq = entry.indexOf('=');
    if (eq <= 0) return fail(`${which} is not name=value`);
    const name = entry.slice(0, eq).trim().toLowerCase();
    if (!TOKEN.test(name)) return fail(`${which} does not start with a header name`);
    if (RESERVED.includes(name)) return fail(`${which} sets ${name}, which the exporter sets itself`);
    let value: string;
    try {
      value = decodeURIComponent(entry.slice(eq + 1).trim());
    } catch {
      return fail(`${which} is not percent-encoded correctly`);
    }
    if (value === '') return fail(`${which} has an empty value`);
    if (!FIELD_VALUE.test(value)) return fail(`${which} holds a character a header cannot (a line break or a control character)`);
    headers[name] = value;
  }
  return { ok: true, value: headers };
}

function fail(problem: string): ParseResult<never> {
  return { ok: false, expected: `header=value pairs separated by commas (values percent-encoded): ${problem}` };
}
