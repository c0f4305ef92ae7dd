import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** `__token__` → value, in file names and contents. */
export type Tokens = Readonly<Record<string, string>>;

/** Replaces every `__token__` of `tokens` in `text`; an unknown `__token__` left over is a template bug. */
export function fill(text: string, tokens: Tokens): string {
  const out = text.replace(/__([A-Za-z_]+?)__/g, (whole, key: string) => tokens[key] ?? whole);
  const left = /__(name|camel|Pascal|PREFIX|vendor|vendorCamel|VendorPascal|VENDOR_CONST|Brand|port|vendorPort|seed)__/.exec(out);
  if (left) throw new Error(`template token ${left[0]} has no value`);
  return out;
}

/**
 * Every `*.tmpl` file under `dir`, filled in: `{ path relative to dir without .tmpl → content }`.
 * Template files are not TypeScript until filled, so tsc and eslint never see them; the
 * generator's end-to-end test generates, type-checks and runs them, so they cannot rot.
 */
export function renderTemplates(dir: string, tokens: Tokens): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (current: string) => {
    for (const entry of readdirSync(current).sort()) {
      const path = join(current, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (entry.endsWith('.tmpl')) files.set(fill(relative(dir, path).slice(0, -'.tmpl'.length), tokens), fill(readFileSync(path, 'utf8'), tokens));
    }
  };
  walk(dir);
  return files;
}
