/**
 * A gateway identity token that cannot be trusted: missing, forged, expired, for another
 * subgraph, or a key that is not a usable ES256 key. `reason` is short and safe to log
 * and to return to the caller (it never contains the token).
 */
export class IdentityError extends Error {
  readonly reason: string;

  constructor(reason: string, options: { cause?: unknown } = {}) {
    super(`Gateway identity refused: ${reason}.`, { cause: options.cause });
    this.name = 'IdentityError';
    this.reason = reason;
  }
}
