import { optionalInt, type Setting } from '../config/setting.js';

/** `METRICS_PORT`: a listener of its own for /metrics (0 = any free port). */
export function metricsPortSetting(opts: { description: string; defaultText: string }): Setting<number | undefined> {
  return optionalInt('METRICS_PORT', { min: 0, max: 65535, ...opts });
}
