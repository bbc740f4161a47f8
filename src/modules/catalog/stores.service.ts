import type { AuditLog } from '../../platform/audit/audit-log.ts';
import { AppError } from '../../platform/errors.ts';
import type { Clock } from '../../platform/context.ts';
import type { Db } from '../../platform/db/pool.ts';
import type { Bbox } from '../../platform/geo/bbox.ts';
import type { KeyValueStore } from '../../platform/kv/port.ts';
import { cellOf, coverageCells, type Zone } from './coverage.ts';
import { createCache } from '../../platform/cache/cache.ts';
import { type CellCache, createCellCache } from './cell-cache.ts';
import { asIs, keyCursor, pageFrom } from '../../platform/http/page-cursor.ts';
import { covering, deliveryCheckOf, rankNearby } from './store-discovery.ts';
import { storeEditsService } from './store-edits.service.ts';
import { storeView } from './store-view.ts';
import type { StoreStatus } from './catalog-tables.ts';
import { type StoreRow, storesRepository } from './stores.repository.ts';

const STORES_CURSOR = keyCursor('stores', ['uuid']);
const NEARBY_CURSOR = keyCursor('nearby', ['number', 'number', 'uuid']);

/**
 * Stores: their edits, and the reads of discovery and checkout, which go through two caches (the
 * stores of an H3 cell, shared invalidation across processes; one store by id, a short TTL).
 */
export function storesService(deps: { db: Db; kv: KeyValueStore; clock: Clock; audit: AuditLog }) {
  const { db, kv, clock, audit } = deps;
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
  const inCell = (cell: bigint) => cache.get(cell, () => repo.inCell(cell));

  const edits = storeEditsService({
    db,
    audit,
    // After a committed edit: every process re-reads its cell lists; this one forgets the store.
    edited: async (id) => {
      await cache.invalidate();
      if (id !== undefined) byId.delete(id);
    },
  });

  return {
    ...edits,

    async get(id: string) {
      const row = await repo.find(id);
      if (!row) throw new AppError('NOT_FOUND', `No store ${id}`);
      return storeView(row);
    },

    /** Throws NOT_FOUND for an unknown store; read through the short per-store cache checkout uses. */
    async mustExist(id: string): Promise<void> {
      if (!(await byId.get(id, () => repo.find(id))))
        throw new AppError('NOT_FOUND', `No store ${id}`);
    },

    /** The names of these stores, by id (ops' lists). */
    names: async (ids: readonly string[]) =>
      new Map((await repo.names(ids)).map((s) => [s.id, s.name])),

    /** Every store not closed, with where it stands and whether it is paused (ops' live map). */
    onMap: (limit: number) => repo.onMap(limit),

    /** Every store (ops), in id order, a page at a time. */
    async list(p: { cursor?: string; limit: number; status?: StoreStatus }) {
      const after = p.cursor ? STORES_CURSOR.decode(p.cursor)[0] : undefined;
      const rows = await repo.list({ after, status: p.status, limit: p.limit + 1 });
      const page = pageFrom(rows, p.limit, asIs, (last) => STORES_CURSOR.encode([last.id]));
      return { items: page.items.map(storeView), next_cursor: page.next_cursor };
    },

    /**
     * Stores that deliver to the point and are open now, nearest arrival first, a page at a time.
     * The point's H3 cell gives the candidates (cached per cell); the exact zone rule and opening
     * hours decide.
     */
    async nearby(p: { lat: number; lng: number; radiusM: number; limit: number; cursor?: string }) {
      const after = p.cursor ? NEARBY_CURSOR.decode(p.cursor) : undefined;
      const candidates = await inCell(cellOf(p.lat, p.lng));
      const { items, next } = rankNearby(candidates, { ...p, after }, clock.now());
      return { items, next_cursor: next ? NEARBY_CURSOR.encode(next) : null };
    },

    /** Whether the store exists, is open now and delivers to the address (checkout's gate). */
    async deliveryCheck(storeId: string, lat: number, lng: number) {
      const s = await byId.get(storeId, () => repo.find(storeId));
      if (!s) return null;
      return { store: storeView(s), ...deliveryCheckOf(s, lat, lng, clock.now()) };
    },

    /** Stores covering a point with their distance, open or not (search and checkout use it). */
    async covering(lat: number, lng: number) {
      const candidates = await inCell(cellOf(lat, lng));
      return covering(candidates, lat, lng, clock.now());
    },

    /** How many stores, open or paused (not closed), stand in each box: a city's, for its list. */
    countIn: (boxes: readonly Bbox[]): Promise<number[]> => repo.countIn(boxes),

    /**
     * The H3 cells a delivery zone may touch, as the catalog indexes it: the scale seed writes
     * coverage rows of its stores with COPY and must index them exactly as an edit here would.
     */
    coverageCells: (zone: Zone): bigint[] => coverageCells(zone),
  };
}

export type StoresService = ReturnType<typeof storesService>;
