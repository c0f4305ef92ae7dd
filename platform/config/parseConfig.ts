import { ConfigError } from './ConfigError.js';
import type { Env, Setting, SettingValue } from './setting.js';

export type Settings = Record<string, Setting<unknown>>;
export type ConfigOf<S extends Settings> = { readonly [K in keyof S]: SettingValue<S[K]> };

/**
 * Parses every setting, collects every problem, and either returns a frozen config or
 * throws one ConfigError naming each variable, what it expected and (unless secret)
 * what it got.
 */
export function parseConfig<S extends Settings>(service: string, settings: S, env: Env): ConfigOf<S> {
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries(settings)) {
    const raw = env[setting.env];
    const result = setting.parse(raw, env);
    if (result.ok) {
      out[key] = result.value;
    } else {
      const got = raw === undefined || raw.trim() === '' ? 'nothing' : setting.secret ? 'a value (hidden)' : JSON.stringify(raw);
      problems.push(`${setting.env}: expected ${result.expected}, got ${got}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(service, problems);
  return Object.freeze(out) as ConfigOf<S>;
}
