import { VendorHttpError } from '../sandbox/VendorHttpError.js';

/**
 * Stripe-shaped refusals: `type` is the category (`invalid_request_error`, `card_error`,
 * `idempotency_error`), `code` the specific reason, `param` the offending field.
 */
export function invalidRequest(message: string, details: { code: string; param?: string; status?: number; [extra: string]: unknown }): VendorHttpError {
  const { status, ...rest } = details;
  return new VendorHttpError(typeof status === 'number' ? status : 400, 'invalid_request_error', message, rest);
}

export function invalidParam(param: string, message: string, code = 'parameter_invalid'): VendorHttpError {
  return invalidRequest(message, { code, param });
}

/** 404 for a well-formed id that Paylane does not know. */
export function resourceMissing(param: string, noun: string, id: string): VendorHttpError {
  return invalidRequest(`No such ${noun}: '${id.slice(0, 100)}'`, { code: 'resource_missing', param, status: 404 });
}
