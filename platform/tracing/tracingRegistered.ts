let registered = false;

/**
 * Whether registerTracing's provider is in place. Kept apart from registerTracing so that
 * the request path can ask without loading the SDK, and pay nothing per request while off.
 */
export function isTracingRegistered(): boolean {
  return registered;
}

/** registerTracing's alone to call. */
export function setTracingRegistered(on: boolean): void {
  registered = on;
}
