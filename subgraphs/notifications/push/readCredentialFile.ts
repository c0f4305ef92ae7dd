import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PushCredentialsError } from './PushCredentialsError.js';

/**
 * The text of a credential file. Relative paths are taken from the working directory (the
 * project root for every npm script and the image), as the settings' defaults are written.
 */
export function readCredentialFile(setting: string, path: string): string {
  let text: string;
  try {
    text = readFileSync(resolve(path), 'utf8');
  } catch (err) {
    const code = typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : 'unknown error';
    throw new PushCredentialsError(setting, path, code === 'ENOENT' ? 'no such file' : `cannot be read (${code})`);
  }
  if (text.trim() === '') throw new PushCredentialsError(setting, path, 'the file is empty');
  return text;
}
