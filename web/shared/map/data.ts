import { useQueries } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { type LastmileClient, type Schemas, unwrap } from '@lastmile/client';
import {
  bboxParam,
  dataZoom,
  type Tile,
  tileBbox,
  tilesFor,
  type View,
  viewBbox,
} from './projection.ts';

// The map's data, fetched by the tiles the view covers (a few whatever the zoom): each tile one
// query of its box, cached by the tile, so a pan back costs nothing and the same streets are never
// fetched twice while cached. The tiles follow the view once it has been still for a moment.

type Position = ReadonlyArray<number>;
/** A street as `GET /v1/map/streets` gives it (`StreetFeature`): its line in `[lng, lat]` points. */
export interface Street {
  geometry: { coordinates: ReadonlyArray<Position> };
  properties: Schemas['StreetFeature']['properties'];
}
/** A store's zone as `GET /v1/map/zones` gives it (`ZoneFeature`): polygons of rings. */
export interface Zone {
  geometry: { coordinates: ReadonlyArray<ReadonlyArray<ReadonlyArray<Position>>> };
  properties: Schemas['ZoneFeature']['properties'];
}

/** Streets do not move: a tile's stay as fetched while the map is open. */
const STREETS_STALE_MS = Infinity;
/** A zone changes when its store does (opens, pauses): read again after a minute. */
const ZONES_STALE_MS = 60_000;
const SETTLE_MS = 250;
/**
 * Zones are large and few (a store's reaches a few kilometres): fetched by zoom-12 tiles, under
 * 10 km a side anywhere, so a view needs one or two.
 */
const ZONES_ZOOM = 12;

const tileKey = (t: Tile) => `${t.z}/${t.x}/${t.y}`;

/** The tiles a view's layers need, once it has stopped moving for SETTLE_MS (at once the first time). */
function useSettledTiles(view: View | null): { streets: Tile[]; zones: Tile[] } {
  const box = view ? viewBbox(view) : null;
  const streets = box && view ? tilesFor(box, dataZoom(view.zoom)) : [];
  const zones = box ? tilesFor(box, ZONES_ZOOM) : [];
  const key = [...streets, ...zones].map(tileKey).join(' ');
  const [settled, setSettled] = useState({ key: '', streets: [] as Tile[], zones: [] as Tile[] });
  if (settled.key === '' && key !== '') setSettled({ key, streets, zones });
  useEffect(() => {
    if (key === settled.key) return;
    const timer = setTimeout(() => setSettled({ key, streets, zones }), SETTLE_MS);
    return () => clearTimeout(timer);
    // `streets` and `zones` are what `key` names.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, settled.key]);
  return settled;
}

/** Features of several tiles, each once (a street crossing a tile's edge comes with both). */
function unique<F>(pages: Array<{ features: F[] } | undefined>, id: (f: F) => string): F[] {
  const seen = new Set<string>();
  const out: F[] = [];
  for (const page of pages)
    for (const f of page?.features ?? []) {
      const k = id(f);
      if (seen.has(k)) continue;
      seen.add(k);
      out.push(f);
    }
  return out;
}

const streetId = (s: Street) => {
  const c = s.geometry.coordinates;
  return `${s.properties.name}|${c[0]?.join(',')}|${c[c.length - 1]?.join(',')}`;
};
const zoneId = (z: Zone) => z.properties.store_id;

interface Layer<F> {
  features: F[];
  /** Some tile is still on its way (or the tiles are not known yet). */
  loading: boolean;
  failed: boolean;
}

function combined<F>(id: (f: F) => string) {
  return (results: Array<{ data?: { features: F[] }; isPending: boolean; isError: boolean }>) => ({
    features: unique(
      results.map((r) => r.data),
      id,
    ),
    // No tile yet (the box not laid out) is loading too.
    loading: results.length === 0 || results.some((r) => r.isPending),
    failed: results.some((r) => r.isError),
  });
}
const combineStreets = combined(streetId);
const combineZones = combined(zoneId);

/** The streets (`GET /v1/map/streets`) and, when asked, zones (`GET /v1/map/zones`) in view. */
export function useMapData(
  api: LastmileClient,
  view: View | null,
  withZones: boolean,
): { streets: Layer<Street>; zones: Layer<Zone> } {
  const tiles = useSettledTiles(view);
  const query = (t: Tile) => ({ bbox: bboxParam(tileBbox(t)) });
  const streets = useQueries({
    queries: tiles.streets.map((t) => ({
      queryKey: ['map', 'streets', tileKey(t)],
      queryFn: ({ signal }: { signal: AbortSignal }) =>
        unwrap(api.GET('/v1/map/streets', { params: { query: query(t) }, signal })),
      staleTime: STREETS_STALE_MS,
    })),
    combine: combineStreets,
  });
  const zones = useQueries({
    queries: (withZones ? tiles.zones : []).map((t) => ({
      queryKey: ['map', 'zones', tileKey(t)],
      queryFn: ({ signal }: { signal: AbortSignal }) =>
        unwrap(api.GET('/v1/map/zones', { params: { query: query(t) }, signal })),
      staleTime: ZONES_STALE_MS,
    })),
    combine: combineZones,
  });
  return { streets, zones };
}
