import { VendorError } from '../errors/VendorError.js';

/**
 * What a vendor's refusal says, for a subgraph that maps specific refusals (a duplicate, a
 * taken email) to its own codes: the error's kind, status, and its JSON body's machine-readable
 * error name, whether the vendor writes `{ error: 'name' }` (OAuth style) or
 * `{ error: { type: 'name' } }`. The body is the kit's logged copy (first 512 characters):
 * when it was cut off or is not JSON, `error` is undefined and `json` too.
 */
export interface VendorRefusal {
  readonly kind: VendorError['kind'];
  readonly status: number | undefined;
  readonly error: string | undefined;
  readonly json: Record<string, unknown> | undefined;
}

export function vendorRefusal(err: unknown): VendorRefusal | undefined {
  if (!(err instanceof VendorError)) return undefined;
  const json = parseObject(err.body);
  const raw = json?.error;
  const nested = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>).type : undefined;
  const error = typeof raw === 'string' ? raw : typeof nested === 'string' ? nested : undefined;
  return { kind: err.kind, status: err.status, error, json };
}

function parseObject(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
