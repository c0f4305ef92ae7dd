import { ConfigError } from './ConfigError.js';

/** For entry points: a bad config prints every problem (no stack) and exits 1. */
export function exitOnConfigError<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}
