import { describe, expect, it } from 'vitest';
import { capturingLogger, type LogLine } from '../../test/harness/capturingLogger.js';
import { diagToLogger } from './diagToLogger.js';

describe('diagToLogger', () => {
  it('logs each distinct warning or error once a minute, and nothing below warn', () => {
    const { lines, logger } = capturingLogger<LogLine & { err?: { message: string }; details?: unknown[] }>('gateway', 'trace');
    let now = 0;
    const diag = diagToLogger(logger, () => now);

    diag.error('export failed', new Error('connect ECONNREFUSED'));
    diag.error('export failed', new Error('connect ECONNREFUSED'));
    diag.warn('OTEL_BSP_MAX_QUEUE_SIZE is not a number', 'lots');
    diag.info('starting');
    diag.debug('details');
    now = 59_999;
    diag.error('export failed');
    now = 60_000;
    diag.error('export failed');

    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [50, 'export failed'],
      [40, 'OTEL_BSP_MAX_QUEUE_SIZE is not a number'],
      [50, 'export failed'],
    ]);
    expect(lines[0]!.err?.message).toBe('connect ECONNREFUSED');
    expect(lines[1]!.details).toEqual(['lots']);
  });
});
