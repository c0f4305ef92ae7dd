import type { ErrorCode } from '../errors/errorCodes.js';

/**
 * Thrown by a hook that runs before Apollo (e.g. `authenticate`) to answer the request
 * at once: this status, these headers, and a GraphQL-shaped error with this code.
 * The message is sent to the client: keep it free of secrets (never a token).
 */
export class HttpRefusal extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly headers: Readonly<Record<string, string>>;
  /** Extra fields of `extensions` that help the client act, e.g. `retryAfterSeconds`. */
  readonly extensions: Readonly<Record<string, string | number>>;

  constructor(
    status: number,
    code: ErrorCode,
    message: string,
    headers: Readonly<Record<string, string>> = {},
    extensions: Readonly<Record<string, string | number>> = {},
  ) {
    super(message);
    this.name = 'HttpRefusal';
    this.status = status;
    this.code = code;
    this.headers = headers;
    this.extensions = extensions;
  }
}
