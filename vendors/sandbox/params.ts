import type { RequestBody } from './types.js';
import { VendorHttpError } from './VendorHttpError.js';

/** A query parameter given at most once; repeated parameters are a client bug worth a 400. */
export function singleParam(query: URLSearchParams, name: string): string | undefined {
  const all = query.getAll(name);
  if (all.length > 1) throw VendorHttpError.badRequest(`query parameter '${name}' must be given once, got ${all.length} times`);
  return all[0];
}

/** An integer query parameter within [min, max], `fallback` when absent. */
export function intParam(query: URLSearchParams, name: string, opts: { min: number; max: number; fallback: number }): number {
  const raw = singleParam(query, name);
  if (raw === undefined) return opts.fallback;
  const n = /^-?\d{1,9}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < opts.min || n > opts.max) {
    throw VendorHttpError.badRequest(`query parameter '${name}' must be an integer from ${opts.min} to ${opts.max}, got ${JSON.stringify(raw)}`);
  }
  return n;
}

/** A string query parameter, or undefined when absent or empty (`?q=` means no filter). */
export function stringParam(query: URLSearchParams, name: string, maxLength = 200): string | undefined {
  const raw = singleParam(query, name);
  if (raw === undefined || raw.length === 0) return undefined;
  if (raw.length > maxLength) {
    throw VendorHttpError.badRequest(`query parameter '${name}' must be at most ${maxLength} characters`);
  }
  return raw;
}

/** Ids as sent in a comma-separated query parameter (blanks dropped, duplicates kept). */
export function rawIdList(query: URLSearchParams, name: string): string[] {
  const raw = query.getAll(name);
  return raw.flatMap((part) => part.split(',')).map((id) => id.trim()).filter((id) => id.length > 0);
}

/** A required id list with at most `max` entries, de-duplicated. */
export function idListParam(query: URLSearchParams, name: string, max: number): Set<string> {
  if (query.getAll(name).length > 1) throw VendorHttpError.badRequest(`query parameter '${name}' must be given once, as a comma-separated list`);
  return checkedIds(rawIdList(query, name), name, max);
}

export function checkedIds(ids: readonly string[], name: string, max: number): Set<string> {
  if (ids.length === 0) throw VendorHttpError.badRequest(`'${name}' is required: 1 to ${max} ids`);
  if (ids.length > max) {
    throw new VendorHttpError(400, 'batch_too_large', `batch too large: '${name}' has ${ids.length} ids, the maximum is ${max}`);
  }
  for (const id of ids) {
    if (id.length > 100) throw VendorHttpError.badRequest(`'${name}' contains an id longer than 100 characters`);
  }
  return new Set(ids);
}

/** Batch size of a comma-separated id query parameter, for the counters. */
export function queryBatchSize(name: string): (req: { query: URLSearchParams }) => number | null {
  return ({ query }) => rawIdList(query, name).length;
}

/** The parsed JSON body of a request, or a 400 saying what was wrong with it. */
export function jsonObjectBody(body: RequestBody): Record<string, unknown> {
  if (body.kind === 'none') throw VendorHttpError.badRequest('a JSON body is required');
  if (body.kind === 'invalid') throw VendorHttpError.badRequest(`request body is not valid JSON: ${body.reason}`);
  const value = body.value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw VendorHttpError.badRequest('request body must be a JSON object');
  }
  return value as Record<string, unknown>;
}
