import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { cellsToMultiPolygon, gridDisk, latLngToCell, polygonToCells } from 'h3-js';
import { createMemo } from '../../platform/cache/memo.ts';
import type { Db } from '../../platform/db/pool.ts';
import { type Bbox, parseBbox } from '../../platform/geo/bbox.ts';
import { Headers, ok, problems, ref } from '../../platform/http/contract.ts';
import { Strict, typed } from '../../platform/http/typed.ts';
import type { StoreStatus } from './catalog-tables.ts';
import { COVERAGE_RES } from './coverage.ts';
import { ZoneCollection } from './map-zones.schemas.ts';
import { zonesRepository } from './zones.repository.ts';

/** The most stores one zones answer draws. */
export const MAX_ZONE_FEATURES = 1000;
/** Zones change when a store's zone or status does: a short while in caches. */
const ZONES_MAX_AGE_S = 30;

type Position = [number, number];
export interface ZoneCollectionBody {
  type: 'FeatureCollection';
  features: Array<{
    type: 'Feature';
    properties: { store_id: string; name: string; status: StoreStatus };
    geometry: { type: 'MultiPolygon'; coordinates: Position[][][] };
  }>;
}

/**
 * The coverage cells a box may touch: the cells whose centre lies in it, those of its corners and
 * middle (a box smaller than a cell), and one ring around them all, so a cell cut by the box's
 * edge counts. A superset: a zone near the box may be drawn although it just misses it.
 */
export function cellsOfBox(b: Bbox): bigint[] {
  const ring: Array<[number, number]> = [
    [b.south, b.west],
    [b.south, b.east],
    [b.north, b.east],
    [b.north, b.west],
  ];
  const inner = new Set(polygonToCells(ring, COVERAGE_RES));
  for (const [lat, lng] of [...ring, [(b.south + b.north) / 2, (b.west + b.east) / 2]])
    inner.add(latLngToCell(lat as number, lng as number, COVERAGE_RES));
  const out = new Set<string>();
  for (const c of inner) for (const n of gridDisk(c, 1)) out.add(n);
  return [...out].map((c) => BigInt(`0x${c}`));
}

/** Each store's zone from its H3 cells, as GeoJSON MultiPolygons (`[lng, lat]`), memoized per version. */
export function mapZones(db: Db) {
  const repo = zonesRepository(db);
  const polygons = createMemo<Position[][][]>(5000);
  return {
    async inBox(b: Bbox): Promise<ZoneCollectionBody> {
      const stores = await repo.storesInCells(cellsOfBox(b), MAX_ZONE_FEATURES);
      const key = (s: { id: string; version: number }) => `${s.id}:${s.version}`;
      const missing = stores.filter((s) => !polygons.has(key(s)));
      const cells = await repo.cellsOf(missing.map((s) => s.id));
      return {
        type: 'FeatureCollection',
        features: stores.map((s) => ({
          type: 'Feature',
          properties: { store_id: s.id, name: s.name, status: s.status },
          geometry: {
            type: 'MultiPolygon',
            coordinates: polygons.get(
              key(s),
              () =>
                cellsToMultiPolygon(
                  (cells.get(s.id) ?? []).map((c) => c.toString(16)),
                  true,
                ) as Position[][][],
            ),
          },
        })),
      };
    },
  };
}

export type MapZones = ReturnType<typeof mapZones>;

/** `GET /v1/map/zones`: the delivery zones of the stores whose coverage touches a box. */
export async function mapZonesRoutes(scope: FastifyInstance, zones: MapZones): Promise<void> {
  typed(scope).get(
    '/v1/map/zones',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['maps'],
        summary: `Delivery zones of the stores whose coverage touches a box, as GeoJSON (at most ${MAX_ZONE_FEATURES})`,
        description:
          'Each zone is drawn from the H3 cells (resolution 8) the store’s coverage holds, so it is a little larger than the zone’s exact edge.',
        querystring: Strict({
          bbox: Type.String({
            minLength: 1,
            maxLength: 200,
            description:
              '`west,south,east,north` in degrees (WGS 84), at most 10 km across; otherwise 422 naming `bbox`',
            examples: ['13.39,52.51,13.42,52.53'],
          }),
        }),
        response: {
          200: ok(ref(ZoneCollection), 'The zones, in store id order', {
            'Cache-Control': Headers.cacheControl,
          }),
          ...problems('UNPROCESSABLE'),
        },
      },
    },
    async (req, reply) => {
      const body = await zones.inBox(parseBbox(req.query.bbox));
      reply.header('cache-control', `public, max-age=${ZONES_MAX_AGE_S}`);
      return body;
    },
  );
}
