/**
 * `npm run docs:config`: writes README's configuration table from the settings' schemas
 * (src/platform/config-settings.ts). readme.test.ts fails until it has been run after a change.
 */
import fs from 'node:fs/promises';
import { withConfigTable } from '../platform/config-table.ts';

const readmeUrl = new URL('../../README.md', import.meta.url);
const before = await fs.readFile(readmeUrl, 'utf8');
const after = withConfigTable(before);
if (after === before) {
  process.stdout.write('README.md: the configuration table is up to date\n');
} else {
  await fs.writeFile(readmeUrl, after);
  process.stdout.write('README.md: configuration table rewritten\n');
}
