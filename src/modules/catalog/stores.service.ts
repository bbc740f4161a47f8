import { uuidv7 } from 'uuidv7';
import type { Principal } from '../../platform/auth/principal.ts';
import { newEvent } from '../../platform/bus/event.ts';
import { writeOutbox } from '../../platform/bus/outbox.ts';
import type { Clock } from '../../platform/context.ts';
import type { Db } from '../../platform/db/pool.ts';
import { AppError } from '../../platform/errors.ts';
import { haversineMeters } from '../../platform/geo/haversine.ts';
import type { KeyValueStore } from '../../platform/kv/port.ts';
import { CatalogEvents, type StoreChangedPayload } from './catalog.events.ts';
import { cellOf, coverageCells, type LatLng, zoneCovers } from './coverage.ts';
import { createCache } from '../../platform/cache/cache.ts';
import { type CellCache, createCellCache } from './cell-cache.ts';
import {
  isOpenAt,
  isValidTimeZone,
  type OpeningHours,
  validateOpeningHours,
} from './opening-hours.ts';
import {
  type StoreFields,
  type StoreRow,
  type StoreStatus,
  storesRepository,
} from './stores.repository.ts';

export interface StoreInput {
  name: string;
  address?: string;
  lat: number;
  lng: number;
  zone: { radius_m: number; polygon?: LatLng[] | null };
  timezone?: string;
  opening_hours: OpeningHours;
  avg_prep_s?: number;
}

export interface StoreView {
  id: string;
  name: string;
  address: string;
  lat: number;
  lng: number;
  zone: { radius_m: number; polygon: LatLng[] | null };
  timezone: string;
  opening_hours: OpeningHours;
  status: StoreStatus;
  avg_prep_s: number;
  version: number;
}

export const storeView = (s: StoreRow): StoreView => ({
  id: s.id,
  name: s.name,
  address: s.address,
  lat: s.lat,
  lng: s.lng,
  zone: { radius_m: s.zone_radius_m, polygon: s.zone_polygon },
  timezone: s.timezone,
  opening_hours: s.opening_hours,
  status: s.status,
  avg_prep_s: s.avg_prep_s,
  version: s.version,
});

/** Travel speed and detour used to rank stores by arrival before the ETA module learns real ones. */
const COURIER_SPEED_MPS = 18_000 / 3600;
const DETOUR = 1.35;
export const DEFAULT_NEARBY_RADIUS_M = 8047;
export const MAX_NEARBY_RADIUS_M = 50_000;
export const DEFAULT_NEARBY_LIMIT = 20;
export const MAX_NEARBY_LIMIT = 100;

function validate(input: Partial<StoreInput>): void {
  const problems: string[] = [];
  if (input.opening_hours !== undefined)
    problems.push(...validateOpeningHours(input.opening_hours));
  if (input.timezone !== undefined && !isValidTimeZone(input.timezone))
    problems.push(`timezone: unknown time zone "${input.timezone}"`);
  const poly = input.zone?.polygon;
  if (
    poly &&
    input.lat !== undefined &&
    input.lng !== undefined &&
    !zoneCovers(
      { lat: input.lat, lng: input.lng, radiusM: 1e9, polygon: poly },
      input.lat,
      input.lng,
    )
  ) {
    problems.push('zone.polygon: the store itself must lie inside its delivery polygon');
  }
  if (problems.length > 0) {
    throw new AppError('VALIDATION_FAILED', problems[0] ?? 'invalid store', {
      details: { errors: problems.map((m) => ({ path: `body.${m.split(':')[0]}`, message: m })) },
    });
  }
}

const fields = (i: StoreInput): StoreFields => ({
  name: i.name,
  address: i.address ?? '',
  lat: i.lat,
  lng: i.lng,
  zone_radius_m: i.zone.radius_m,
  zone_polygon: i.zone.polygon ?? null,
  timezone: i.timezone ?? 'UTC',
  opening_hours: i.opening_hours,
  avg_prep_s: i.avg_prep_s ?? 600,
});

export function storesService(deps: { db: Db; kv: KeyValueStore; clock: Clock }) {
  const { db, kv, clock } = deps;
  const repo = storesRepository(db);
  const cache: CellCache<StoreRow[]> = createCellCache({
    kv,
    key: 'catalog:stores:generation',
    clock,
  });
  // Checkout reads its store on every order; another process's pause reaches it within the TTL.
  const byId = createCache<StoreRow | undefined>({
    ttlMs: 5000,
    maxEntries: 10_000,
    now: clock.now,
  });

  async function changed(
    trx: Db,
    row: StoreRow,
    change: StoreChangedPayload['change'],
  ): Promise<void> {
    const payload: StoreChangedPayload = {
      store_id: row.id,
      version: row.version,
      status: row.status,
      change,
    };
    await writeOutbox(trx, [
      newEvent(CatalogEvents.STORE_CHANGED, payload, { aggregateId: row.id }),
    ]);
  }

  const canManage = (p: Principal, storeId: string) =>
    p.role === 'ops' || (p.role === 'store' && p.storeId === storeId);

  async function mutate(
    by: Principal,
    id: string,
    work: (trx: Db) => Promise<StoreRow | undefined>,
  ): Promise<StoreView> {
    if (!canManage(by, id))
      throw new AppError('FORBIDDEN', "Only ops or this store's staff can change it");
    const row = await db.transaction().execute(work);
    if (!row) {
      const exists = await repo.find(id);
      if (!exists) throw new AppError('NOT_FOUND', `No store ${id}`);
      throw new AppError(
        'CONFLICT',
        `Store ${id} changed meanwhile (version ${exists.version}); reload and retry`,
      );
    }
    await cache.invalidate();
    byId.delete(id);
    return storeView(row);
  }

  return {
    async create(input: StoreInput): Promise<StoreView> {
      validate(input);
      const row = await db.transaction().execute(async (trx) => {
        const tx = storesRepository(trx);
        const created = await tx.insert(uuidv7(), fields(input));
        await tx.replaceCoverage(
          created.id,
          coverageCells({
            lat: created.lat,
            lng: created.lng,
            radiusM: created.zone_radius_m,
            polygon: created.zone_polygon,
          }),
        );
        await changed(trx, created, 'created');
        return created;
      });
      await cache.invalidate();
      return storeView(row);
    },

    async get(id: string): Promise<StoreView> {
      const row = await repo.find(id);
      if (!row) throw new AppError('NOT_FOUND', `No store ${id}`);
      return storeView(row);
    },

    /** Throws NOT_FOUND for an unknown store; read through the short per-store cache checkout uses. */
    async mustExist(id: string): Promise<void> {
      if (!(await byId.get(id, () => repo.find(id))))
        throw new AppError('NOT_FOUND', `No store ${id}`);
    },

    list: async (p: { after?: string; limit: number; status?: StoreStatus }) =>
      (await repo.list(p)).map(storeView),

    update(
      by: Principal,
      id: string,
      patch: Partial<StoreInput>,
      expectedVersion?: number,
    ): Promise<StoreView> {
      return mutate(by, id, async (trx) => {
        const tx = storesRepository(trx);
        const current = await tx.find(id);
        if (!current) return undefined;
        const merged = {
          lat: patch.lat ?? current.lat,
          lng: patch.lng ?? current.lng,
          zone: patch.zone ?? { radius_m: current.zone_radius_m, polygon: current.zone_polygon },
        };
        validate({ ...patch, ...merged });
        const f: Partial<StoreFields> = {};
        if (patch.name !== undefined) f.name = patch.name;
        if (patch.address !== undefined) f.address = patch.address;
        if (patch.lat !== undefined) f.lat = patch.lat;
        if (patch.lng !== undefined) f.lng = patch.lng;
        if (patch.zone !== undefined) {
          f.zone_radius_m = patch.zone.radius_m;
          f.zone_polygon = patch.zone.polygon ?? null;
        }
        if (patch.timezone !== undefined) f.timezone = patch.timezone;
        if (patch.opening_hours !== undefined) f.opening_hours = patch.opening_hours;
        if (patch.avg_prep_s !== undefined) f.avg_prep_s = patch.avg_prep_s;
        const row = await tx.update(id, f, expectedVersion);
        if (!row) return undefined;
        const zoneMoved =
          patch.lat !== undefined || patch.lng !== undefined || patch.zone !== undefined;
        if (zoneMoved)
          await tx.replaceCoverage(
            id,
            coverageCells({
              lat: row.lat,
              lng: row.lng,
              radiusM: row.zone_radius_m,
              polygon: row.zone_polygon,
            }),
          );
        await changed(trx, row, zoneMoved ? 'zone' : 'updated');
        return row;
      });
    },

    setStatus(by: Principal, id: string, status: StoreStatus): Promise<StoreView> {
      return mutate(by, id, async (trx) => {
        const row = await storesRepository(trx).update(id, { status });
        if (row) await changed(trx, row, 'status');
        return row;
      });
    },

    /**
     * Stores that deliver to the point and are open now, nearest arrival first. The point's H3
     * cell gives the candidates (cached per cell); the exact zone rule and opening hours decide.
     */
    async nearby(lat: number, lng: number, radiusM: number, limit = DEFAULT_NEARBY_LIMIT) {
      const cell = cellOf(lat, lng);
      const candidates = await cache.get(cell, () => repo.inCell(cell));
      const now = clock.now();
      return candidates
        .filter(
          (s) =>
            s.status === 'open' &&
            zoneCovers(
              { lat: s.lat, lng: s.lng, radiusM: s.zone_radius_m, polygon: s.zone_polygon },
              lat,
              lng,
            ),
        )
        .map((s) => {
          const distance = haversineMeters(s.lat, s.lng, lat, lng);
          const etaS = s.avg_prep_s + (distance * DETOUR) / COURIER_SPEED_MPS;
          return { s, distance, etaS };
        })
        .filter((x) => x.distance <= radiusM && isOpenAt(x.s.opening_hours, x.s.timezone, now))
        .sort((a, b) => a.etaS - b.etaS || a.distance - b.distance)
        .slice(0, limit)
        .map(({ s, distance, etaS }) => ({
          id: s.id,
          name: s.name,
          address: s.address,
          lat: s.lat,
          lng: s.lng,
          distance_m: Math.round(distance),
          eta_minutes: Math.ceil(etaS / 60),
          avg_prep_minutes: Math.round(s.avg_prep_s / 60),
        }));
    },

    /** Whether the store exists, is open now and delivers to the address (checkout's gate). */
    async deliveryCheck(storeId: string, lat: number, lng: number) {
      const s = await byId.get(storeId, () => repo.find(storeId));
      if (!s) return null;
      return {
        store: storeView(s),
        open: s.status === 'open' && isOpenAt(s.opening_hours, s.timezone, clock.now()),
        covers: zoneCovers(
          { lat: s.lat, lng: s.lng, radiusM: s.zone_radius_m, polygon: s.zone_polygon },
          lat,
          lng,
        ),
      };
    },

    /** Stores covering a point with their distance, open or not (search and checkout use it). */
    async covering(lat: number, lng: number) {
      const cell = cellOf(lat, lng);
      const candidates = await cache.get(cell, () => repo.inCell(cell));
      const now = clock.now();
      return candidates
        .filter((s) =>
          zoneCovers(
            { lat: s.lat, lng: s.lng, radiusM: s.zone_radius_m, polygon: s.zone_polygon },
            lat,
            lng,
          ),
        )
        .map((s) => ({
          row: s,
          distanceM: haversineMeters(s.lat, s.lng, lat, lng),
          open: s.status === 'open' && isOpenAt(s.opening_hours, s.timezone, now),
        }));
    },
  };
}

export type StoresService = ReturnType<typeof storesService>;
