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
