import { pino, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * Structured JSON logs (one line per event) with the service name on every line.
 * Vendor keys are redacted wherever they could appear.
 */
export function createLogger(options: { service: string; level: LogLevel; destination?: NodeJS.WritableStream }): Logger {
  return pino(
    {
      name: options.service,
      level: options.level,
      base: { service: options.service },
      redact: {
        paths: [
          'headers.authorization',
          'headers["x-api-key"]',
          // A gateway identity token is a credential for its 60 s lifetime.
          'headers["x-gateway-identity"]',
          '*.headers.authorization',
          '*.headers["x-api-key"]',
          '*.headers["x-gateway-identity"]',
          'apiKey',
          '*.apiKey',
        ],
        censor: '[redacted]',
      },
    },
    options.destination ?? process.stdout,
  );
}
