import { readFileSync } from 'node:fs';

/**
 * The text of a file a setting names (a relative path is from the working directory), or why it
 * cannot be read, in words that finish a config error's "expected …" (never the file's contents).
 */
export function readSettingFile(path: string): { ok: true; text: string } | { ok: false; why: string } {
  try {
    return { ok: true, text: readFileSync(path, 'utf8') };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { ok: false, why: code === 'ENOENT' ? 'there is no such file' : `it cannot be read (${code ?? 'error'})` };
  }
}
