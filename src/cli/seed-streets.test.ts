import { describe, expect, it } from 'vitest';
import { readPlaceDocument } from '../modules/places/places-format.ts';
import { haversineMeters } from '../platform/geo/haversine.ts';
import { DEMO_STREET_REGION, DEMO_STREETS } from './demo-city.ts';
import { CITIES } from './seed-cities.ts';
import {
  cityStreetNetwork,
  type GeneratedAddress,
  type GeneratedStreet,
  networkDocument,
  type StreetNetwork,
  streetNetwork,
} from './seed-streets.ts';

// The demo's network is made once for the file (about a second).
const demo = streetNetwork(DEMO_STREETS, DEMO_STREET_REGION);
const small = (lat: number, lng: number, radiusM: number) => [{ lat, lng, radiusM }];

/** Metres east and north of `o`, flat (street scale). */
const local = (o: [number, number], p: [number, number]): [number, number] => [
  (p[0] - o[0]) * 111_195 * Math.cos((o[1] * Math.PI) / 180),
  (p[1] - o[1]) * 111_195,
];

/** Where an address lies along its street: distance from the start and side (+1 left). */
function along(s: GeneratedStreet, a: GeneratedAddress): { at: number; side: number; off: number } {
  let best = { at: 0, side: 0, off: Infinity };
  let walked = 0;
  for (let i = 1; i < s.coordinates.length; i++) {
    const o = s.coordinates[i - 1] as [number, number];
    const [dx, dy] = local(o, s.coordinates[i] as [number, number]);
    const [px, py] = local(o, [a.lng, a.lat]);
    const len = Math.hypot(dx, dy);
    const t = Math.max(0, Math.min(len, (px * dx + py * dy) / len));
    const cross = (dx * py - dy * px) / len;
    const off = Math.hypot(px - (dx * t) / len, py - (dy * t) / len);
    if (off < best.off) best = { at: walked + t, side: Math.sign(cross), off };
    walked += len;
  }
  return best;
}

function components(net: StreetNetwork): number {
  const parent = new Map<string, string>();
  const find = (k: string): string => {
    let r = k;
    while (parent.get(r) !== r) r = parent.get(r) as string;
    parent.set(k, r);
    return r;
  };
  for (const s of net.streets)
    s.coordinates.forEach((c, i) => {
      const k = c.join(',');
      if (!parent.has(k)) parent.set(k, k);
      if (i > 0) parent.set(find(k), find((s.coordinates[i - 1] as [number, number]).join(',')));
    });
  return new Set([...parent.keys()].map(find)).size;
}

describe('street generator', () => {
  it('is deterministic from seed and city, and two regions share their streets', () => {
    const a = streetNetwork(DEMO_STREETS, small(52.52, 13.405, 800));
    expect(streetNetwork(DEMO_STREETS, small(52.52, 13.405, 800))).toEqual(a);
    const other = streetNetwork({ ...DEMO_STREETS, seed: 5 }, small(52.52, 13.405, 800));
    expect(other.streets.map((s) => s.id)).not.toEqual(a.streets.map((s) => s.id));
    const byId = new Map(demo.streets.map((s) => [s.id, s]));
    for (const s of a.streets) expect(byId.get(s.id)).toEqual(s);
    const ids = new Set(demo.addresses.map((x) => x.id));
    expect(ids.size).toBe(demo.addresses.length);
    for (const x of a.addresses.slice(0, 500)) expect(ids.has(x.id)).toBe(true);
  });

  it('makes one connected grid of 120–180 m blocks, a few degrees off north', () => {
    expect(components(demo)).toBe(1);
    const blocks = demo.streets.flatMap((s) =>
      s.coordinates
        .slice(1)
        .map((c, i) => Math.hypot(...local(s.coordinates[i] as [number, number], c))),
    );
    expect(Math.min(...blocks)).toBeGreaterThan(118);
    expect(Math.max(...blocks)).toBeLessThan(182);
    const arterials = demo.streets.filter((s) => s.class === 'arterial').length;
    expect(arterials / demo.streets.length).toBeGreaterThan(0.08);
    expect(arterials / demo.streets.length).toBeLessThan(0.35);
  });

  it('numbers each street odd on the left and even on the right, increasing along it', () => {
    const streets = new Map(demo.streets.map((s) => [s.name, s]));
    const sample = demo.streets.filter((_, i) => i % 25 === 0);
    expect(sample.length).toBeGreaterThan(40);
    for (const s of sample) {
      const own = demo.addresses.filter(
        (a) =>
          a.street === s.name &&
          haversineMeters(
            a.lat,
            a.lng,
            (s.coordinates[0] as number[])[1] as number,
            (s.coordinates[0] as number[])[0] as number,
          ) < 5000,
      );
      const mine = own.filter((a) => along(s, a).off < 14);
      expect(mine.length, s.name).toBeGreaterThan(2);
      for (const parity of [1, 0]) {
        const side = mine.filter((a) => Number(a.housenumber) % 2 === parity);
        for (const a of side)
          expect(along(s, a).side, `${s.name} ${a.housenumber}`).toBe(parity ? 1 : -1);
        const order = side
          .sort((x, y) => Number(x.housenumber) - Number(y.housenumber))
          .map((a) => along(s, a).at);
        expect(order).toEqual([...order].sort((x, y) => x - y));
        const gaps = order.slice(1).map((d, i) => d - (order[i] as number));
        expect(Math.min(...gaps)).toBeGreaterThanOrEqual(19.9);
      }
    }
    expect(streets.size).toBeGreaterThan(demo.streets.length * 0.7);
  });

  it('puts Torstraße 1 at the centre and covers every demo zone with addresses', () => {
    const tor1 = demo.addresses.find((a) => a.street === 'Torstraße' && a.housenumber === '1');
    expect(tor1).toBeDefined();
    expect(haversineMeters(52.52, 13.405, tor1?.lat ?? 0, tor1?.lng ?? 0)).toBeLessThan(60);
    expect(tor1?.postcode).toMatch(/^1\d{4}$/);
    // Every point of every zone (a 400 m lattice) has an address within 200 m.
    const buckets = new Map<string, GeneratedAddress[]>();
    const cell = (lat: number, lng: number) => `${Math.floor(lat * 200)}:${Math.floor(lng * 120)}`;
    for (const a of demo.addresses) {
      const k = cell(a.lat, a.lng);
      buckets.set(k, [...(buckets.get(k) ?? []), a]);
    }
    const nearest = (lat: number, lng: number) => {
      let best = Infinity;
      for (let i = -1; i <= 1; i++)
        for (let j = -1; j <= 1; j++)
          for (const a of buckets.get(
            `${Math.floor(lat * 200) + i}:${Math.floor(lng * 120) + j}`,
          ) ?? [])
            best = Math.min(best, haversineMeters(lat, lng, a.lat, a.lng));
      return best;
    };
    let checked = 0;
    for (const z of DEMO_STREET_REGION)
      for (let n = -z.radiusM; n <= z.radiusM; n += 400)
        for (let e = -z.radiusM; e <= z.radiusM; e += 400) {
          if (Math.hypot(n, e) > z.radiusM) continue;
          const lat = z.lat + n / 111_195;
          const lng = z.lng + e / (111_195 * Math.cos((z.lat * Math.PI) / 180));
          expect(nearest(lat, lng), `${lat},${lng}`).toBeLessThan(200);
          checked++;
        }
    expect(checked).toBeGreaterThan(500);
  });

  it('names streets in the city’s language and writes its postcodes', () => {
    const names = demo.streets.map((s) => s.name);
    expect(names).toContain('Friedrichstraße');
    expect(
      names.filter((n) =>
        /(straße|weg|gasse|ring|steig|zeile|pfad|allee|chaussee|damm|ufer)$/i.test(n),
      ).length,
    ).toBeGreaterThan(names.length * 0.9);
    const london = streetNetwork({ seed: 0, city: CITIES.london }, small(51.5074, -0.1278, 1500));
    expect(london.streets.every((s) => /^[A-Z][\w’' -]+ [A-Z][a-z]+/.test(s.name))).toBe(true);
    expect(london.addresses.every((a) => /^[A-Z]{1,2}\d{1,2} \d[A-Z]{2}$/.test(a.postcode))).toBe(
      true,
    );
    const nyc = streetNetwork({ seed: 0, city: CITIES.nyc }, small(40.754, -73.984, 1500));
    expect(nyc.addresses.every((a) => /^\d{5}$/.test(a.postcode))).toBe(true);
    // No name twice among a square's neighbours: 1 km around the centre.
    const near = demo.streets.filter((s) =>
      s.coordinates.some(([lng, lat]) => haversineMeters(52.52, 13.405, lat, lng) < 1000),
    );
    const seen = new Map<string, number>();
    for (const s of near) seen.set(s.name, (seen.get(s.name) ?? 0) + 1);
    expect([...seen].filter(([, n]) => n > 1)).toEqual([]);
  });

  it('bounds a city’s addresses and writes the places format', () => {
    const hamburg = cityStreetNetwork({ seed: 0, city: CITIES.hamburg }, 60_000);
    expect(hamburg.addresses.length).toBeLessThanOrEqual(60_000);
    expect(hamburg.addresses.length).toBeGreaterThan(20_000);
    const doc = readPlaceDocument(JSON.parse(JSON.stringify(networkDocument(hamburg))));
    expect(doc.ok).toBe(true);
    if (doc.ok) {
      expect(doc.streets.length).toBe(hamburg.streets.length);
      expect(doc.addresses.length).toBe(hamburg.addresses.length);
    }
  });
});
