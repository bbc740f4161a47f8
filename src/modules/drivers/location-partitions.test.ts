import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import pg from 'pg';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.ts';
import { startTestPlatform, waitFor } from '../../../test/support/platform.ts';
import { migrate } from '../../platform/db/migrations.ts';
import { createDatabase, type Database, type Db } from '../../platform/db/pool.ts';
import { createLogger } from '../../platform/observability/logger.ts';
import { driverLocationsRepository } from './driver-locations.repository.ts';
import { DAY_MS, partitionName } from './location-days.ts';
import { createLocationHistory } from './location-history.ts';
import { locationPartitionsRepository } from './location-partitions.repository.ts';
import { maintainLocationPartitions } from './location-retention.ts';

let tdb: TestDatabase;
let database: Database;
let db: Db;
const logger = createLogger('silent');
const HOUR = 3_600_000;

beforeAll(async () => {
  tdb = await createTestDatabase();
  database = createDatabase(tdb.url, { poolSize: 4 });
  db = database.db;
});
afterAll(async () => {
  await database?.close();
  await tdb?.drop();
});

const partitions = async () =>
  (await locationPartitionsRepository(db).list()).filter((p) => p.attached).map((p) => p.name);

/** Each stored point's partition, by the point's time. */
async function whereStored(driverId: string) {
  const res = await sql<{ part: string; at: Date }>`
    SELECT tableoid::regclass::text AS part, recorded_at AS at FROM driver_locations
    WHERE driver_id = ${driverId} ORDER BY recorded_at`.execute(db);
  return res.rows.map((r) => ({ part: r.part, at: r.at.getTime() }));
}

const point = (driverId: string, at: number) => ({ driverId, at, lat: 52.52, lng: 13.4 });

describe('driver location partitions', () => {
  it('makes today and two days ahead, drops whole days past retention, and is idempotent', async () => {
    const day = Date.UTC(2031, 2, 10);
    const now = day + 18 * HOUR;
    // The template's partitions (the day it was migrated and two ahead) and a day table left
    // detached by a drop that was cut short.
    await sql`CREATE TABLE driver_locations_p20200101 (LIKE driver_locations)`.execute(db);
    const before = (await locationPartitionsRepository(db).list()).map((p) => p.name);
    expect(before.length).toBeGreaterThanOrEqual(4);

    const first = await maintainLocationPartitions(db, now, { retentionDays: 7 });
    expect(first.created).toEqual([day, day + DAY_MS, day + 2 * DAY_MS].map(partitionName));
    expect(first.dropped.sort()).toEqual(before.sort());
    expect(await partitions()).toEqual(first.created);
    expect(await maintainLocationPartitions(db, now, { retentionDays: 7 })).toEqual({
      created: [],
      dropped: [],
    });

    // Today's and tomorrow's points land in their days' partitions; a repeat is a no-op.
    const driver = uuidv7();
    const points = [point(driver, now), point(driver, now + DAY_MS)];
    await driverLocationsRepository(db).addHistory(points);
    await driverLocationsRepository(db).addHistory(points);
    expect(await whereStored(driver)).toEqual([
      { part: partitionName(day), at: now },
      { part: partitionName(day + DAY_MS), at: now + DAY_MS },
    ]);
    // A partition made by the job carries the table's key and indexes.
    const idx = await sql<{ def: string }>`SELECT indexdef AS def FROM pg_indexes
      WHERE tablename = ${partitionName(day + 2 * DAY_MS)} ORDER BY indexname`.execute(db);
    expect(idx.rows.map((r) => r.def).join('\n')).toMatch(
      /UNIQUE INDEX .* \(driver_id, recorded_at\)[\s\S]*USING brin \(recorded_at\)/,
    );

    // Eight days later: the first day is entirely older than 7 days and goes as a whole; the
    // second still holds points younger than that and stays.
    const later = now + 8 * DAY_MS;
    const next = await maintainLocationPartitions(db, later, { retentionDays: 7 });
    expect(next.dropped).toEqual([partitionName(day)]);
    // The job makes the days from today on; a day between that nobody wrote stays unmade.
    expect(next.created).toEqual([8, 9, 10].map((d) => partitionName(day + d * DAY_MS)));
    expect(await whereStored(driver)).toEqual([
      { part: partitionName(day + DAY_MS), at: now + DAY_MS },
    ]);
  });

  it('the history writer makes a missing day itself and skips points past retention', async () => {
    let now = Date.UTC(2033, 6, 1, 0, 5);
    const history = createLocationHistory(db, logger, {
      clock: { now: () => now },
      retentionDays: 7,
    });
    try {
      const driver = uuidv7();
      // No job ran for this day: the write makes its partition. A point of a phone's offline
      // buffer from before midnight gets its day too; one 30 days old would go at once: skipped.
      history.add([
        point(driver, now - 30 * DAY_MS),
        point(driver, now - 10 * 60_000),
        point(driver, now),
      ]);
      expect(await history.flush()).toBe(2);
      expect(await whereStored(driver)).toEqual([
        { part: partitionName(Date.UTC(2033, 5, 30)), at: now - 10 * 60_000 },
        { part: partitionName(Date.UTC(2033, 6, 1)), at: now },
      ]);
      expect(history.size()).toBe(0);
      // Buffered points that passed retention while they waited are not written either.
      history.add([point(driver, now + 1000)]);
      now += 9 * DAY_MS;
      expect(await history.flush()).toBe(0);
      expect(history.size()).toBe(0);
    } finally {
      await history.stop();
    }
  });
});

describe('an interrupted drop', () => {
  it('finishes a detach cut short, then drops the day', async () => {
    const day = Date.UTC(2035, 4, 2);
    await maintainLocationPartitions(db, day, { retentionDays: 7 });
    const name = partitionName(day);
    // A reader holds a snapshot of the history, so the detach waits for it, and is cut off
    // while waiting: the partition stays half detached.
    const reader = new pg.Client({ connectionString: tdb.url });
    const detacher = new pg.Client({ connectionString: tdb.url });
    await reader.connect();
    await detacher.connect();
    try {
      await reader.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      await reader.query('SELECT count(*) FROM driver_locations');
      await detacher.query("SET statement_timeout = '300ms'");
      await expect(
        detacher.query(`ALTER TABLE driver_locations DETACH PARTITION ${name} CONCURRENTLY`),
      ).rejects.toThrow(/statement timeout/);
      await reader.query('COMMIT');
    } finally {
      await reader.end();
      await detacher.end();
    }
    const pending = (await locationPartitionsRepository(db).list()).find((p) => p.name === name);
    expect(pending).toMatchObject({ attached: true, detaching: true });

    const changes = await maintainLocationPartitions(db, day + 9 * DAY_MS, { retentionDays: 7 });
    expect(changes.dropped).toContain(name);
    expect((await locationPartitionsRepository(db).list()).map((p) => p.name)).not.toContain(name);
  });
});

describe('the migration to day partitions', () => {
  const migrationsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

  /** Applies 0001 alone in its own schema, stores `rows`, then applies 0002. */
  async function convert(schema: string, rows: Array<{ driver: string; at: string }>) {
    const pool = new pg.Pool({
      connectionString: tdb.url,
      max: 2,
      options: `-c search_path=${schema}`,
    });
    const before = await fs.mkdtemp(path.join(os.tmpdir(), 'lastmile-drivers-'));
    try {
      await pool.query(`CREATE SCHEMA ${schema}`);
      await fs.copyFile(
        path.join(migrationsDir, '0001_drivers.sql'),
        path.join(before, '0001_drivers.sql'),
      );
      await migrate(pool, [{ name: 'drivers', dir: before }]);
      for (const r of rows)
        await pool.query(
          'INSERT INTO driver_locations (driver_id, recorded_at, lat, lng) VALUES ($1, $2, 1, 2)',
          [r.driver, r.at],
        );
      const applied = await migrate(pool, [{ name: 'drivers', dir: migrationsDir }]);
      expect(applied.applied).toContain('drivers/0002_location_partitions');
      const kind = await pool.query<{ kind: string }>(
        `SELECT relkind AS kind FROM pg_class WHERE oid = 'driver_locations'::regclass`,
      );
      const parts = await pool.query<{ name: string }>(
        `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
         WHERE i.inhparent = 'driver_locations'::regclass ORDER BY 1`,
      );
      const stored = await pool.query<{ part: string; driver: string; at: Date }>(
        `SELECT tableoid::regclass::text AS part, driver_id AS driver, recorded_at AS at
         FROM driver_locations ORDER BY recorded_at`,
      );
      const key = await pool.query<{ def: string }>(
        `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint
         WHERE conrelid = 'driver_locations'::regclass AND contype = 'p'`,
      );
      const old = await pool.query(`SELECT to_regclass('driver_locations_unpartitioned') AS t`);
      return {
        kind: kind.rows[0]?.kind,
        parts: parts.rows.map((r) => r.name),
        stored: stored.rows.map((r) => ({ ...r, at: r.at.toISOString() })),
        key: key.rows[0]?.def,
        oldTable: old.rows[0]?.t as string | null,
      };
    } finally {
      await pool.end();
      await fs.rm(before, { recursive: true, force: true });
    }
  }

  const nextDays = () => {
    const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
    return [0, 1, 2].map((d) => partitionName(today + d * DAY_MS));
  };

  it('converts an empty table: partitions for today and two days ahead', async () => {
    const out = await convert('legacy_empty', []);
    expect(out.kind).toBe('p');
    expect(out.key).toBe('PRIMARY KEY (driver_id, recorded_at)');
    expect(out.parts).toEqual(nextDays());
    expect(out.stored).toEqual([]);
    expect(out.oldTable).toBeNull();
  });

  it('converts a table with rows: every row moves into its UTC day', async () => {
    const a = uuidv7();
    const b = uuidv7();
    const rows = [
      { driver: a, at: '2024-05-01T23:59:59.000Z' },
      { driver: b, at: '2024-05-02T00:00:00.000Z' },
      { driver: a, at: '2024-05-04T12:00:00.000Z' },
    ];
    const out = await convert('legacy_rows', rows);
    expect(out.kind).toBe('p');
    expect(out.parts).toEqual(
      ['driver_locations_p20240501', 'driver_locations_p20240502', 'driver_locations_p20240504']
        .concat(nextDays())
        .sort(),
    );
    expect(out.stored).toEqual([
      { part: 'driver_locations_p20240501', ...rows[0] },
      { part: 'driver_locations_p20240502', ...rows[1] },
      { part: 'driver_locations_p20240504', ...rows[2] },
    ]);
    expect(out.oldTable).toBeNull();
  });
});

describe('the worker keeps the partitions by the platform clock', () => {
  it('at start, makes the clock’s days and drops the ones past retention', async () => {
    const now = Date.UTC(2034, 0, 15, 9);
    const t = await startTestPlatform({ workflows: false, clock: { now: () => now } });
    try {
      const want = [0, 1, 2].map((d) =>
        partitionName(Math.floor(now / DAY_MS) * DAY_MS + d * DAY_MS),
      );
      const names = async () =>
        (await locationPartitionsRepository(t.platform.ctx.db).list()).map((p) => p.name);
      await waitFor(async () => (await names()).join() === want.join(), 10_000, 'the partitions');
    } finally {
      await t.stop();
    }
  });
});
