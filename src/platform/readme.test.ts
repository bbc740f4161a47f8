import fs from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { configTable, tableIn } from './config-table.ts';

describe('README', () => {
  const read = () => fs.readFile(new URL('../../README.md', import.meta.url), 'utf8');

  // The configuration table is what operators read: it is generated from the settings' schemas.
  it('has the configuration table generated from the settings (npm run docs:config)', async () => {
    expect(tableIn(await read())).toBe(configTable());
  });

  it('starts with the two commands', async () => {
    const readme = await read();
    const firstBlock = readme.slice(
      readme.indexOf('```sh'),
      readme.indexOf('```', readme.indexOf('```sh') + 5),
    );
    expect(firstBlock).toContain('npm ci && npm start');
    expect(firstBlock).toContain('npm test');
  });
});
