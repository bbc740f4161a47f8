import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../test/support/platform.ts';
import {
  OPENAPI_SNAPSHOT,
  OPENAPI_TYPES,
  openApiTypesText,
  SOCKET_TYPES,
  socketTypesText,
} from './generate.ts';
import { withSortedKeys } from './openapi-document.ts';

const REGENERATE = 'the API and its committed contract differ: run `npm run sdk:generate`';

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform({ workflows: false });
});
afterAll(async () => {
  await t?.stop();
});

// That contract/openapi.json is what the generator writes is checked with the other contract
// documents (src/cli/contract-documents.test.ts).
describe('the committed contract', () => {
  it('is the document the running API serves at /openapi.json', async () => {
    const res = await t.request({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const committed = JSON.parse(await readFile(OPENAPI_SNAPSHOT, 'utf8')) as unknown;
    expect(withSortedKeys(committed), REGENERATE).toEqual(withSortedKeys(res.json()));
  });

  it("holds the client's types as openapi-typescript generates them from the snapshot", async () => {
    const committed = await readFile(OPENAPI_TYPES, 'utf8');
    expect(committed, REGENERATE).toBe(await openApiTypesText(OPENAPI_SNAPSHOT));
  });

  it("holds the socket messages' types as generated from the AsyncAPI snapshot", async () => {
    const committed = await readFile(SOCKET_TYPES, 'utf8');
    expect(committed, REGENERATE).toBe(await socketTypesText());
  });
});
