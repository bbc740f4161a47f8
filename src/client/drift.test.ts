import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../test/support/platform.ts';
import {
  OPENAPI_SNAPSHOT,
  OPENAPI_TYPES,
  openApiSnapshotText,
  openApiTypesText,
  withSortedKeys,
} from './generate.ts';
import { buildOpenApiDocument } from './openapi-document.ts';

const REGENERATE = 'the API and its committed contract differ: run `npm run sdk:generate`';

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform({ workflows: false });
});
afterAll(async () => {
  await t?.stop();
});

describe('the committed contract', () => {
  it('is the document the running API serves at /openapi.json', async () => {
    const res = await t.request({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const committed = JSON.parse(await readFile(OPENAPI_SNAPSHOT, 'utf8')) as unknown;
    expect(withSortedKeys(committed), REGENERATE).toEqual(withSortedKeys(res.json()));
  });

  it('is byte for byte what the generator writes, so a regeneration changes nothing', async () => {
    const committed = await readFile(OPENAPI_SNAPSHOT, 'utf8');
    expect(committed.endsWith('}\n'), 'ends with one newline').toBe(true);
    expect(committed, REGENERATE).toBe(await openApiSnapshotText(await buildOpenApiDocument()));
  });

  it("holds the client's types as openapi-typescript generates them from the snapshot", async () => {
    const committed = await readFile(OPENAPI_TYPES, 'utf8');
    expect(committed, REGENERATE).toBe(await openApiTypesText(OPENAPI_SNAPSHOT));
  });
});
