import { GraphQLError } from 'graphql';
import { errorCodes, type ErrorCode } from './errorCodes.js';

/**
 * A GraphQL error whose code comes from the registry. The message defaults to the
 * registry's public message; pass one only when it helps the caller fix the request
 * (e.g. which argument was wrong) and never with vendor details in it.
 */
export class AppError extends GraphQLError {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message?: string, options: { extensions?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message ?? errorCodes[code].message, {
      extensions: { ...options.extensions, code },
      originalError: options.cause instanceof Error ? options.cause : undefined,
    });
    this.code = code;
    this.name = 'AppError';
  }
}

export function badUserInput(argument: string, expected: string): AppError {
  return new AppError('BAD_USER_INPUT', `Argument "${argument}" is invalid: expected ${expected}.`, {
    extensions: { argument },
  });
}
