import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../test/support/platform.ts';
import {
  committedText,
  filesInGeneratedDirs,
  GENERATED_DIRS,
  OPENAPI_SNAPSHOT,
  sdkTypeFiles,
} from './generate.ts';
import type { GeneratedFile } from './generate-parts.ts';
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

  // Every file of the client's HTTP and socket types (openapi-types.ts, socket-types.ts and the
  // parts in openapi/ and asyncapi/), and no other file in those folders.
  let generated: GeneratedFile[];
  beforeAll(async () => {
    generated = await sdkTypeFiles();
  });

  it("holds the client's types as generated from the snapshots, in every file", async () => {
    const differ: string[] = [];
    for (const { file, text } of generated)
      if ((await committedText(file)) !== text) differ.push(file);
    expect(differ, REGENERATE).toEqual([]);
  });

  it('holds no generated file the generator no longer writes', async () => {
    const written = generated
      .map((g) => g.file)
      .filter((f) => GENERATED_DIRS.some((d) => f.startsWith(`${d}/`)));
    expect(await filesInGeneratedDirs(), REGENERATE).toEqual(written.sort());
  });
});
