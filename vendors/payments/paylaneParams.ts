import { jsonObjectBody } from '../sandbox/params.js';
import type { RequestBody } from '../sandbox/types.js';
import { VendorHttpError } from '../sandbox/VendorHttpError.js';
import { ID_SHAPES } from './paylaneIds.js';
import { invalidParam } from './paylaneErrors.js';

export const MIN_AMOUNT = 50;
export const MAX_AMOUNT = 99_999_999;
export const MAX_METADATA_KEYS = 20;
export const MAX_METADATA_KEY_LENGTH = 40;
export const MAX_METADATA_VALUE_LENGTH = 500;

/** The JSON object body with only `allowed` fields (Stripe refuses unknown parameters too). */
export function paylaneBody(body: RequestBody, allowed: readonly string[]): Record<string, unknown> {
  let input: Record<string, unknown>;
  try {
    input = jsonObjectBody(body);
  } catch (err) {
    throw invalidParam('body', err instanceof Error ? err.message : 'invalid body', 'body_invalid');
  }
  for (const key of Object.keys(input)) {
    if (!allowed.includes(key)) throw invalidParam(key, `Received unknown parameter: ${key.slice(0, 100)}`, 'parameter_unknown');
  }
  return input;
}

export function requiredString(input: Record<string, unknown>, param: string): string {
  const v = input[param];
  if (v === undefined || v === null || v === '') throw invalidParam(param, `Missing required param: ${param}.`, 'parameter_missing');
  if (typeof v !== 'string') throw invalidParam(param, `Invalid string: ${param} must be a string.`, 'parameter_invalid_string');
  return v;
}

/** An integer amount in minor units within [min, max]. */
export function amountParam(value: unknown, param: string, range: { min: number; max: number }): number {
  if (value === undefined || value === null) throw invalidParam(param, `Missing required param: ${param}.`, 'parameter_missing');
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw invalidParam(param, `Invalid integer: ${param} must be an integer number of minor units.`, 'parameter_invalid_integer');
  }
  if (value < range.min) throw invalidParam(param, `Amount must be at least ${range.min} minor units.`, 'amount_too_small');
  if (value > range.max) throw invalidParam(param, `Amount must be no more than ${range.max} minor units.`, 'amount_too_large');
  return value;
}

/** ISO 4217 shape, lower-cased as Stripe does (whether the currency exists is not checked). */
export function currencyParam(value: unknown): string {
  if (value === undefined || value === null) throw invalidParam('currency', 'Missing required param: currency.', 'parameter_missing');
  if (typeof value !== 'string' || !/^[A-Za-z]{3}$/.test(value)) {
    throw invalidParam('currency', 'Invalid currency: expected a three-letter ISO code such as "eur".', 'parameter_invalid_string');
  }
  return value.toLowerCase();
}

export function metadataParam(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidParam('metadata', 'Invalid object: metadata must be an object of strings.', 'parameter_invalid_object');
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > MAX_METADATA_KEYS) throw invalidParam('metadata', `metadata can have at most ${MAX_METADATA_KEYS} keys.`);
  for (const [key, v] of entries) {
    const param = `metadata[${key.slice(0, MAX_METADATA_KEY_LENGTH)}]`;
    if (key.length === 0 || key.length > MAX_METADATA_KEY_LENGTH) throw invalidParam(param, `metadata keys must be 1 to ${MAX_METADATA_KEY_LENGTH} characters.`);
    if (typeof v !== 'string') throw invalidParam(param, 'metadata values must be strings.', 'parameter_invalid_string');
    if (v.length > MAX_METADATA_VALUE_LENGTH) throw invalidParam(param, `metadata values can be at most ${MAX_METADATA_VALUE_LENGTH} characters.`);
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

/** An id of the expected shape (400 otherwise, before any lookup, so malformed ids never look like missing ones). */
export function idParam(value: unknown, param: string, kind: keyof typeof ID_SHAPES): string {
  if (value === undefined || value === null || value === '') throw invalidParam(param, `Missing required param: ${param}.`, 'parameter_missing');
  if (typeof value !== 'string' || !ID_SHAPES[kind].test(value)) {
    throw invalidParam(param, `Invalid ${kind} id: ${JSON.stringify(String(value).slice(0, 100))}.`, 'parameter_invalid_string');
  }
  return value;
}

/** A query parameter read with the sandbox's helpers, its refusal restated in Paylane's shape. */
export function queryParam<T>(param: string, read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof VendorHttpError) throw invalidParam(param, err.message);
    throw err;
  }
}
