import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.ts';
import { migrate } from './migrations.ts';
import { createDatabase, type Database } from './pool.ts';

let tdb: TestDatabase;
let database: Database;
let dir: string;

beforeAll(async () => {
  tdb = await createTestDatabase();
  database = createDatabase(tdb.url, { poolSize: 6 });
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'lastmile-mig-'));
  await fs.writeFile(
    path.join(dir, '0001_create_parcels.sql'),
    'CREATE TABLE parcels (id int PRIMARY KEY);',
  );
  await fs.writeFile(
    path.join(dir, '0002_add_weight.sql'),
    'ALTER TABLE parcels ADD COLUMN weight_g int;',
  );
});
afterAll(async () => {
  await database?.close();
  await tdb?.drop();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('migrations', () => {
  it('applies each file once even when processes start together', async () => {
    const source = [{ name: 'parcels', dir }];
    const results = await Promise.all([
      migrate(database.pool, source),
      migrate(database.pool, source),
      migrate(database.pool, source),
    ]);
    const applied = results.flatMap((r) => r.applied);
    expect(applied).toEqual(['parcels/0001_create_parcels', 'parcels/0002_add_weight']);
    const again = await migrate(database.pool, source);
    expect(again.applied).toEqual([]);
  });

  it('refuses a migration edited after it was applied', async () => {
    await fs.writeFile(
      path.join(dir, '0002_add_weight.sql'),
      'ALTER TABLE parcels ADD COLUMN weight_kg int;',
    );
    await expect(migrate(database.pool, [{ name: 'parcels', dir }])).rejects.toThrow(
      /changed after it was applied/,
    );
  });

  it('refuses a gap in the numbering', async () => {
    const gap = await fs.mkdtemp(path.join(os.tmpdir(), 'lastmile-gap-'));
    await fs.writeFile(path.join(gap, '0002_late.sql'), 'SELECT 1;');
    await expect(migrate(database.pool, [{ name: 'gap', dir: gap }])).rejects.toThrow(
      /out of sequence/,
    );
    await fs.rm(gap, { recursive: true, force: true });
  });
});
