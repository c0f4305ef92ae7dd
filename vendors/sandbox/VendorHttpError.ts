/**
 * A refusal a route handler throws (400, 404, 409, 422, …). The server turns it into the
 * vendor's branded error body, so handlers never build error bodies themselves.
 */
export class VendorHttpError extends Error {
  constructor(
    readonly status: number,
    /** Machine-readable, vendor style: 'invalid_request', 'not_found', … */
    readonly type: string,
    message: string,
    /** Extra fields merged into the error object, e.g. `{ fields: [...] }`. */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'VendorHttpError';
  }

  static badRequest(message: string, details?: Record<string, unknown>): VendorHttpError {
    return new VendorHttpError(400, 'invalid_request', message, details);
  }

  static notFound(message: string): VendorHttpError {
    return new VendorHttpError(404, 'not_found', message);
  }
}
