import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTRACT_DIR, CONTRACT_DOCUMENTS, renderDocument } from './contract-documents.ts';

describe('contract documents', () => {
  it.each(CONTRACT_DOCUMENTS.map((d) => [d.file, d] as const))(
    'contract/%s is the document the app builds',
    async (file, d) => {
      const built = await d.build();
      const committed = await fs
        .readFile(path.join(CONTRACT_DIR, file), 'utf8')
        .then((text) => JSON.parse(text) as unknown)
        .catch(() => null);
      expect(
        committed,
        `contract/${file} differs from what the app builds: run \`npm run contract:write\` and commit it`,
      ).toEqual(built);
      // Written as the script writes it, so a rewrite changes nothing.
      expect(await fs.readFile(path.join(CONTRACT_DIR, file), 'utf8')).toBe(
        await renderDocument(file, built),
      );
    },
  );
});
