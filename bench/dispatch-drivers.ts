import { Redis } from 'ioredis';
import { sql } from 'kysely';
import type { RunningPlatform } from '../src/platform/boot.ts';
import type { Db } from '../src/platform/db/pool.ts';

// The dispatch benchmark's drivers: seeded in the database, placed in the index, cleared after.

export const CENTRE = { lat: 52.52, lng: 13.405 };
type Positions = ReturnType<RunningPlatform['ctx']['geo']>;

/** Deterministic spread over a 33 × 34 km metro area. */
export function spread(i: number, salt: number): { lat: number; lng: number } {
  const a = Math.sin(i * 12.9898 + salt * 78.233) * 43758.5453;
  const b = Math.sin(i * 39.3468 + salt * 11.135) * 24634.6345;
  return {
    lat: CENTRE.lat + (a - Math.floor(a) - 0.5) * 0.3,
    lng: CENTRE.lng + (b - Math.floor(b) - 0.5) * 0.5,
  };
}

/** Trips, offers and drivers a previous run left, and the index's drivers. */
export async function clearLastRun(db: Db, redisUrl: string, namespace: string): Promise<void> {
  await sql`DELETE FROM offers WHERE trip_id IN (SELECT id FROM trips WHERE items = 7 AND status IN ('searching', 'offered'))`.execute(
    db,
  );
  await sql`DELETE FROM trips WHERE items = 7 AND status IN ('searching', 'offered')`.execute(db);
  await sql`DELETE FROM drivers WHERE name LIKE 'bench-dispatch-%'`.execute(db);
  const redis = new Redis(redisUrl);
  await redis.del(`${namespace}:geo:drivers`, `${namespace}:geo:drivers:at`);
  redis.disconnect();
}

/**
 * `n` available drivers with varied records, spread over the metro area in the index, with a
 * position taken now. Returns that time.
 */
export async function seedDrivers(db: Db, positions: Positions, n: number) {
  const ids = (
    await sql<{
      id: string;
    }>`INSERT INTO drivers (id, name, vehicle, capacity_items, status, offers_received, offers_accepted, last_job_at)
        SELECT gen_random_uuid(), 'bench-dispatch-' || g, (ARRAY['bike', 'scooter', 'car'])[1 + g % 3], 25, 'available', g % 20, g % 20 - g % 7 / 3, now() - make_interval(secs => g % 3600)
        FROM generate_series(1, ${n}) g RETURNING id`.execute(db)
  ).rows.map((r) => r.id);
  return { now: await placeDrivers(positions, ids), ids };
}

/** Puts the drivers at their spots in the index with a position taken now; returns that time. */
export async function placeDrivers(positions: Positions, ids: readonly string[]): Promise<number> {
  const now = Date.now();
  for (let i = 0; i < ids.length; i += 5000) {
    await positions.upsert(
      ids.slice(i, i + 5000).map((id, k) => ({ id, ...spread(i + k, 1), at: now })),
    );
  }
  return now;
}
