/**
 * The stable HTTP attributes of OpenTelemetry's semantic conventions that our SERVER spans
 * carry, spelled out here: the conventions' package index holds every attribute ever
 * named (about 1 MB of live heap in every process, for five strings). `attributes.test.ts`
 * checks them against the package.
 */
export const HttpAttributes = {
  errorType: 'error.type',
  requestMethod: 'http.request.method',
  responseStatusCode: 'http.response.status_code',
  route: 'http.route',
  urlPath: 'url.path',
} as const;

/** Span attributes of our own (OpenTelemetry's semantic conventions cover the HTTP ones). */
export const SpanAttributes = {
  /** The request id (`x-request-id`): the same on every span and log line of one request. */
  requestId: 'app.request_id',
  /** Which of our services made the span (they share one process in tests and `npm run bench`). */
  service: 'app.service',
  vendor: 'vendor.name',
  vendorOperation: 'vendor.operation',
  /** `ok` or the kit's error kind, as in `vendor_calls_total{outcome}`. */
  vendorOutcome: 'vendor.outcome',
} as const;
