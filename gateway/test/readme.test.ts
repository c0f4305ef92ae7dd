import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { gatewaySettings } from '../src/config.js';

describe('gateway/README.md', () => {
  it('documents every setting exactly as gatewaySettings defines it', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    for (const s of Object.values(gatewaySettings)) {
      expect(readme).toContain(`| \`${s.env}\` | ${s.defaultText} | ${s.description} |`);
    }
  });
});
