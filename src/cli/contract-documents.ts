import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { openApiSnapshot } from '../client/openapi-document.ts';
import { allModules } from '../modules/index.ts';
import { asyncApiDocument } from '../platform/contract/asyncapi.ts';

/** Where the published contract documents live, in the repository. */
export const CONTRACT_DIR = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../contract',
);

export interface ContractDocument {
  /** The file in `contract/`. */
  file: string;
  /** The document as the app builds it (plain JSON). */
  build: () => unknown;
}

/**
 * The documents `npm run contract:write` writes to `contract/` and `contract-documents.test.ts`
 * compares with what the app builds: one line per document.
 */
export const CONTRACT_DOCUMENTS: readonly ContractDocument[] = [
  { file: 'asyncapi.json', build: () => asyncApiDocument(allModules) },
  // Built in process without services; the client's types are generated from it (`npm run sdk:generate`).
  { file: 'openapi.json', build: openApiSnapshot },
];

/** The document as it is committed: JSON in the repository's Prettier style. */
export async function renderDocument(file: string, doc: unknown): Promise<string> {
  const filepath = path.join(CONTRACT_DIR, file);
  const options = (await prettier.resolveConfig(filepath)) ?? {};
  return prettier.format(JSON.stringify(doc), { ...options, filepath });
}
