export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One request to a vendor, relative to the vendor's base URL. */
export interface VendorRequest {
  readonly method: HttpMethod;
  /** Joined to the base URL's path, e.g. '/v1/products/batch'. */
  readonly path: string;
  /** Encoded into the query string; `undefined` values are left out. */
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
  /** JSON-encoded; sets `content-type: application/json`. */
  readonly body?: unknown;
  /**
   * Form-encoded instead (`application/x-www-form-urlencoded`), for OAuth token endpoints, which
   * take nothing else. Wins over `body`.
   */
  readonly form?: Readonly<Record<string, string>>;
  /** Extra headers, e.g. `{ 'idempotency-key': '…' }`. Cannot override auth or the request id. */
  readonly headers?: Readonly<Record<string, string>>;
}

export type ResponseHeaders = Record<string, string | string[] | undefined>;

export interface VendorResponse {
  readonly status: number;
  /** Parsed JSON body; `undefined` for 204/205 (no body by definition) and an allowed empty body. */
  readonly json: unknown;
  readonly headers: ResponseHeaders;
}
