import { CITIES } from '../src/cli/seed-cities.ts';
import {
  type Disc,
  networkDocument,
  type StreetNetwork,
  streetNetwork,
  streetsOf,
} from '../src/cli/seed-streets.ts';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Api } from './client.ts';
import type { SimConfig } from './config.ts';
import { type Evening, EveningError, sha256, type StreetsSource } from './evening.ts';
import type { LatLng } from './plan.ts';
import { buildStreetGraph, type Position, type StreetGraph } from './street-graph.ts';

/**
 * The simulated city's streets: the generated network of Hamburg around the simulation's centre.
 * The plan takes its customers' homes from its addresses (pure, so a seed still makes the same
 * evening); the instances load it (`lastmile places import`), and the couriers drive the streets
 * the API serves.
 */
export const SIM_CITY = CITIES.hamburg;

export interface SimAddress extends LatLng {
  label: string;
}

/** Where the simulation's people are: stores within `cityRadiusM`, customers a zone beyond. */
export const simRegion = (c: SimConfig): Disc[] => [
  { ...c.center, radiusM: c.cityRadiusM + c.zoneRadiusM },
];

const networks = new Map<string, StreetNetwork>();

export function simNetwork(c: SimConfig): StreetNetwork {
  const key = JSON.stringify(simRegion(c));
  let net = networks.get(key);
  if (!net) {
    net = streetNetwork(streetsOf(SIM_CITY), simRegion(c));
    networks.set(key, net);
  }
  return net;
}

/** The network as a file for `lastmile places import --city hamburg`. */
export const simStreetsDocument = (c: SimConfig) => networkDocument(simNetwork(c));

/** The streets of an evening as its recording names them: the city, the region, the document's hash. */
export const streetsSourceOf = (c: SimConfig, document: string): StreetsSource => ({
  city: SIM_CITY.key,
  region: simRegion(c),
  sha256: sha256(document),
});

/**
 * The streets document a recorded evening was driven on: generated again from its config, or,
 * when the generator has changed since, the streets.geojson its run left beside the evening file.
 * Refused (EveningError) when neither is the one recorded: couriers would drive other streets.
 */
export async function recordedStreets(e: Evening, file: string): Promise<string> {
  if (e.streets.city !== SIM_CITY.key)
    throw new EveningError(
      `${file} was driven in ${e.streets.city}; the simulator drives ${SIM_CITY.key}`,
    );
  const generated = JSON.stringify(simStreetsDocument(e.config));
  if (sha256(generated) === e.streets.sha256) return generated;
  const beside = path.join(path.dirname(file), 'streets.geojson');
  const kept = await fs.readFile(beside, 'utf8').catch(() => null);
  if (kept !== null && sha256(kept) === e.streets.sha256) return kept;
  throw new EveningError(
    `the streets ${file} was driven on are gone: this lastmile generates other streets for its city, and ${beside} is ${kept === null ? 'missing' : 'another network'}`,
  );
}

const BUCKET_DEG = 0.002;

/** The addresses of the network, nearest first to a point. */
export function addressBook(net: StreetNetwork): (p: LatLng) => SimAddress | null {
  const buckets = new Map<string, SimAddress[]>();
  const key = (lat: number, lng: number) =>
    `${Math.floor(lat / BUCKET_DEG)}:${Math.floor(lng / BUCKET_DEG)}`;
  for (const a of net.addresses) {
    const k = key(a.lat, a.lng);
    const list = buckets.get(k) ?? [];
    list.push({
      lat: a.lat,
      lng: a.lng,
      label: `${a.street} ${a.housenumber}, ${a.postcode} ${SIM_CITY.name}`,
    });
    buckets.set(k, list);
  }
  return (p) => {
    let best = null as SimAddress | null;
    let bestD = Infinity;
    const [bx, by] = [Math.floor(p.lat / BUCKET_DEG), Math.floor(p.lng / BUCKET_DEG)];
    for (let x = bx - 1; x <= bx + 1; x++)
      for (let y = by - 1; y <= by + 1; y++)
        for (const a of buckets.get(`${x}:${y}`) ?? []) {
          const d = (a.lat - p.lat) ** 2 + ((a.lng - p.lng) * 0.6) ** 2;
          if (d < bestD) [best, bestD] = [a, d];
        }
    return best;
  };
}

/** A map request's box: at most 10 km across, so the area is fetched in tiles of 8 km. */
const TILE_M = 8000;

/**
 * The streets of the simulation's area as the API serves them (`GET /v1/map/streets`, in tiles),
 * as a graph; null when the deployment has none there (couriers then drive L-shaped routes).
 */
export async function fetchStreetGraph(api: Api, c: SimConfig): Promise<StreetGraph | null> {
  const r = c.cityRadiusM + c.zoneRadiusM;
  const dLat = r / 111_195;
  const dLng = dLat / Math.cos((c.center.lat * Math.PI) / 180);
  const tiles = Math.ceil((2 * r) / TILE_M);
  const lines = new Map<string, Position[]>();
  for (let i = 0; i < tiles; i++)
    for (let j = 0; j < tiles; j++) {
      const south = c.center.lat - dLat + (2 * dLat * i) / tiles;
      const west = c.center.lng - dLng + (2 * dLng * j) / tiles;
      const bbox = [west, south, west + (2 * dLng) / tiles, south + (2 * dLat) / tiles]
        .map((n) => n.toFixed(6))
        .join(',');
      const res = await api.as().GET('/v1/map/streets', { params: { query: { bbox } } });
      // A deployment without the street map (an older lastmile) has no streets to offer.
      if (!res.data) return null;
      for (const f of res.data.features)
        lines.set(JSON.stringify(f.geometry.coordinates), f.geometry.coordinates as Position[]);
    }
  return lines.size === 0 ? null : buildStreetGraph([...lines.values()]);
}
