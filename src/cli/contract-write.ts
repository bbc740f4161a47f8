/**
 * `npm run contract:write`: writes the contract documents (contract-documents.ts) to `contract/`.
 * contract-documents.test.ts fails until it has been run after a change to what they describe.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { CONTRACT_DIR, CONTRACT_DOCUMENTS, renderDocument } from './contract-documents.ts';

await fs.mkdir(CONTRACT_DIR, { recursive: true });
for (const { file, build } of CONTRACT_DOCUMENTS) {
  const target = path.join(CONTRACT_DIR, file);
  const text = await renderDocument(file, await build());
  const before = await fs.readFile(target, 'utf8').catch(() => null);
  if (before === text) {
    process.stdout.write(`contract/${file}: up to date\n`);
  } else {
    await fs.writeFile(target, text);
    process.stdout.write(`contract/${file}: written\n`);
  }
}
