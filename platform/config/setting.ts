import { readFileSync } from 'node:fs';

/**
 * Typed environment settings. Each setting knows its variable, default, unit and what
 * it expects, so that `parseConfig` can report every problem at once and the README's
 * configuration table is generated from the same source (no drift).
 */
export type Env = Readonly<Record<string, string | undefined>>;

export type ParseResult<T> = { ok: true; value: T } | { ok: false; expected: string };

export interface Setting<T> {
  readonly env: string;
  readonly description: string;
  /** Default as shown in docs; `undefined` means required. */
  readonly defaultText: string | undefined;
  /** Secrets are never echoed back in error messages. */
  readonly secret: boolean;
  /**
   * `env` is the whole environment, for the rare rule that spans variables (e.g. "required
   * when NODE_ENV=production"); most settings only look at `raw`.
   */
  parse(raw: string | undefined, env?: Env): ParseResult<T>;
}

export type SettingValue<S> = S extends Setting<infer T> ? T : never;

interface Common {
  description: string;
}

function make<T>(
  env: string,
  opts: Common & { defaultText: string | undefined; secret?: boolean },
  parse: (raw: string | undefined) => ParseResult<T>,
): Setting<T> {
  return { env, description: opts.description, defaultText: opts.defaultText, secret: opts.secret ?? false, parse };
}

const ok = <T>(value: T): ParseResult<T> => ({ ok: true, value });
const fail = (expected: string): ParseResult<never> => ({ ok: false, expected });
const blank = (raw: string | undefined): raw is undefined => raw === undefined || raw.trim() === '';

export function int(
  env: string,
  opts: Common & { default: number; min: number; max: number; unit?: string },
): Setting<number> {
  const unit = opts.unit ? ` (${opts.unit})` : '';
  const expected = `an integer from ${opts.min} to ${opts.max}${unit}`;
  return make(env, { ...opts, defaultText: `${opts.default}${unit}` }, (raw) => {
    if (blank(raw)) return ok(opts.default);
    const trimmed = raw.trim();
    if (!/^-?\d+$/.test(trimmed)) return fail(expected);
    const n = Number(trimmed);
    return n >= opts.min && n <= opts.max ? ok(n) : fail(expected);
  });
}

/**
 * An integer that may stay unset (`undefined`), for a default computed from other settings
 * once they are parsed; `defaultText` says which (e.g. "10 × RATE_LIMIT_PER_IP").
 */
export function optionalInt(
  env: string,
  opts: Common & { defaultText: string; min: number; max: number; unit?: string },
): Setting<number | undefined> {
  const inner = int(env, { ...opts, default: opts.min });
  const unit = opts.unit ? ` (${opts.unit})` : '';
  return make(env, { ...opts, defaultText: `${opts.defaultText}${unit}` }, (raw) => (blank(raw) ? ok(undefined) : inner.parse(raw)));
}

export function float(env: string, opts: Common & { default: number; min: number; max: number; unit?: string }): Setting<number> {
  const unit = opts.unit ? ` (${opts.unit})` : '';
  const expected = `a number from ${opts.min} to ${opts.max}${unit}`;
  return make(env, { ...opts, defaultText: `${opts.default}${unit}` }, (raw) => {
    if (blank(raw)) return ok(opts.default);
    const n = Number(raw.trim());
    return Number.isFinite(n) && n >= opts.min && n <= opts.max ? ok(n) : fail(expected);
  });
}

export function bool(env: string, opts: Common & { default: boolean }): Setting<boolean> {
  return make(env, { ...opts, defaultText: String(opts.default) }, (raw) => {
    if (blank(raw)) return ok(opts.default);
    const v = raw.trim().toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(v)) return ok(true);
    if (['false', '0', 'no', 'off'].includes(v)) return ok(false);
    return fail('true or false');
  });
}

export function oneOf<const V extends string>(env: string, values: readonly V[], opts: Common & { default: V }): Setting<V> {
  return make(env, { ...opts, defaultText: opts.default }, (raw) => {
    if (blank(raw)) return ok(opts.default);
    const v = raw.trim() as V;
    return values.includes(v) ? ok(v) : fail(`one of ${values.join(', ')}`);
  });
}

/** A string; `default: undefined` makes it required. */
export function string(
  env: string,
  opts: Common & { default: string | undefined; secret?: boolean; pattern?: RegExp; patternText?: string },
): Setting<string> {
  const expected = opts.patternText ?? (opts.secret ? 'a non-empty secret' : 'a non-empty string');
  return make(env, { ...opts, defaultText: opts.secret && opts.default ? '(sandbox value)' : opts.default }, (raw) => {
    if (blank(raw)) return opts.default === undefined ? fail(`${expected} (required)`) : ok(opts.default);
    const v = raw.trim();
    if (opts.pattern && !opts.pattern.test(v)) return fail(expected);
    return ok(v);
  });
}

/** An http(s) URL (or `protocols`); `default: undefined` makes it required (`optionalUrl` for one that may stay unset). */
export function url(env: string, opts: Common & { default: string | undefined; protocols?: readonly string[] }): Setting<string> {
  const protocols = opts.protocols ?? ['http:', 'https:'];
  const expected = `an absolute URL (${protocols.map((p) => p.replace(':', '://')).join(' or ')}…)`;
  return make(env, { ...opts, defaultText: opts.default }, (raw) => {
    if (blank(raw)) return opts.default === undefined ? fail(`${expected} (required)`) : ok(opts.default);
    try {
      const parsed = new URL(raw.trim());
      return protocols.includes(parsed.protocol) ? ok(raw.trim().replace(/\/+$/, '')) : fail(expected);
    } catch {
      return fail(expected);
    }
  });
}

export function optionalUrl(env: string, opts: Common & { protocols?: readonly string[] }): Setting<string | undefined> {
  const inner = url(env, { ...opts, default: '' });
  return make(env, { ...opts, defaultText: '(unset)', secret: true }, (raw) => (blank(raw) ? ok(undefined) : inner.parse(raw)));
}

/**
 * The path of a file that may stay unset, read and checked when the config is parsed, so a
 * wrong path or content is reported with every other problem. `read` turns the file's text into
 * the value or says why it cannot be used (`expected` there is only the reason; never quote the
 * text: such files hold keys). `what` names the file the message expects. Relative paths are
 * from the working directory.
 */
export function optionalFile<T>(
  env: string,
  opts: Common & { defaultText: string; what: string; read: (text: string) => ParseResult<T> },
): Setting<T | undefined> {
  const expected = (why: string) => `the path of ${opts.what}; ${why}`;
  return make(env, opts, (raw) => {
    if (blank(raw)) return ok(undefined);
    let text: string;
    try {
      text = readFileSync(raw.trim(), 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      return fail(expected(code === 'ENOENT' ? 'there is no such file' : `it cannot be read (${code ?? 'error'})`));
    }
    const value = opts.read(text);
    return value.ok ? value : fail(expected(value.expected));
  });
}
