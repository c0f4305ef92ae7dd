import { Writable } from 'node:stream';
import { createLogger, type Logger, type LogLevel } from '../../platform/log/createLogger.js';

/** One JSON log line as pino writes it: its level (30 info, 40 warn, 50 error), message and fields. */
export interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly [field: string]: unknown;
}

/**
 * A real logger whose lines a test reads back parsed, in the order written: what was
 * logged, at which level, with which fields (and that a secret never was). `L` is the
 * shape the test expects its lines to have.
 */
export function capturingLogger<L extends LogLine = LogLine>(service: string, level: LogLevel): { logger: Logger; lines: L[] } {
  const lines: L[] = [];
  const logger = createLogger({
    service,
    level,
    destination: new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(JSON.parse(chunk.toString()) as L);
        done();
      },
    }),
  });
  return { logger, lines };
}
