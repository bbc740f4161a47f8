import fs from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { SETTINGS } from './config.ts';

// The README's configuration table is what operators read: keep it in step with the schema.
describe('README', () => {
  it('documents every setting and starts with the two commands', async () => {
    const readme = await fs.readFile(new URL('../../README.md', import.meta.url), 'utf8');
    for (const s of SETTINGS) expect(readme).toContain(`| \`${s.env}\` |`);
    const firstBlock = readme.slice(
      readme.indexOf('```sh'),
      readme.indexOf('```', readme.indexOf('```sh') + 5),
    );
    expect(firstBlock).toContain('npm ci && npm start');
    expect(firstBlock).toContain('npm test');
  });
});
