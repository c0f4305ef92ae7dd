/**
 * The client's access token cannot be accepted. `description` is short, safe to send
 * back (RFC 6750 `error_description`) and never contains the token.
 */
export class InvalidTokenError extends Error {
  readonly description: string;

  constructor(description: string, options: { cause?: unknown } = {}) {
    super(description, { cause: options.cause });
    this.name = 'InvalidTokenError';
    this.description = description;
  }
}
