import { ConfigError } from '../../platform/config/ConfigError.js';
import type { Env } from '../../platform/config/setting.js';
import { parseGatewayConfig } from '../src/config.js';

/** The ConfigError `parseGatewayConfig` throws for `env`; fails the test when `env` is accepted. */
export function configError(env: Env): ConfigError {
  try {
    parseGatewayConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected parseGatewayConfig to refuse this environment');
}
