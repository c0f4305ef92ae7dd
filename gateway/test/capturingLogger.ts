import { Writable } from 'node:stream';
import { createLogger, type Logger, type LogLevel } from '../../platform/log/createLogger.js';

/** A real logger whose JSON lines a test can read (what is logged, and that a secret never is). */
export function capturingLogger(service: string, level: LogLevel): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = createLogger({
    service,
    level,
    destination: new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    }),
  });
  return { logger, lines };
}
