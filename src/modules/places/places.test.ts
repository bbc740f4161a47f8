import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callAs, startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import { placesFor } from './index.ts';
import type { PlaceCity } from './places-rows.ts';

/*
 * Search, reverse and the street map over a small hand-made Berlin: streets running east from
 * the centre, 25 m between numbers, odd north and even south.
 */

const BERLIN: PlaceCity = { key: 'berlin', name: 'Berlin', style: 'de' };
const M_LAT = 1 / 111_195;
const M_LNG = M_LAT / Math.cos((52.52 * Math.PI) / 180);

interface Street {
  name: string;
  class: 'arterial' | 'street';
  /** Start point and length, running east. */
  lat: number;
  lng: number;
  lengthM: number;
  postcode: string;
}

const STREETS: Street[] = [
  {
    name: 'Torstraße',
    class: 'arterial',
    lat: 52.52,
    lng: 13.405,
    lengthM: 1500,
    postcode: '10119',
  },
  {
    name: 'Tornstraße',
    class: 'street',
    lat: 52.515,
    lng: 13.405,
    lengthM: 400,
    postcode: '10178',
  },
  {
    name: 'Schönhauser Allee',
    class: 'arterial',
    lat: 52.53,
    lng: 13.405,
    lengthM: 800,
    postcode: '10435',
  },
  {
    name: 'Berliner Straße',
    class: 'street',
    lat: 52.5,
    lng: 13.3,
    lengthM: 300,
    postcode: '10713',
  },
  {
    name: 'Berliner Straße',
    class: 'street',
    lat: 52.57,
    lng: 13.41,
    lengthM: 300,
    postcode: '13187',
  },
];

function document() {
  const features: object[] = [];
  for (const s of STREETS) {
    features.push({
      type: 'Feature',
      properties: { name: s.name, class: s.class },
      geometry: {
        type: 'LineString',
        coordinates: [
          [s.lng, s.lat],
          [s.lng + s.lengthM * M_LNG, s.lat],
        ],
      },
    });
    for (let d = 12.5, k = 0; d < s.lengthM; d += 25, k++)
      for (const side of [1, -1])
        features.push({
          type: 'Feature',
          properties: {
            street: s.name,
            housenumber: String(side === 1 ? 2 * k + 1 : 2 * k + 2),
            postcode: s.postcode,
          },
          geometry: { type: 'Point', coordinates: [s.lng + d * M_LNG, s.lat + side * 12 * M_LAT] },
        });
  }
  return { type: 'FeatureCollection', features };
}

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform({ workflows: false });
  const report = await placesFor(t.platform.ctx).importCity(BERLIN, document());
  expect(report).toMatchObject({ ok: true, streets: 5, unsearchable: 0 });
});
afterAll(async () => {
  await t?.stop();
});

const get = (url: string) => t.request({ method: 'GET', url });
const search = async (q: string, extra = '') => {
  const res = await get(`/v1/places/search?q=${encodeURIComponent(q)}${extra}`);
  expect(res.statusCode).toBe(200);
  return res.json().items as Array<{ label: string; housenumber: string; postcode: string }>;
};

describe('address search', () => {
  it('finds the exact number first, through typos, abbreviations, ß/ss and umlauts', async () => {
    for (const q of [
      'Torstraße 12',
      'torstr 12',
      'Torstr. 12',
      'Torstrasse 12',
      'torstrase 12',
      'TORSTR.12',
      '12 Torstraße',
    ])
      expect((await search(q))[0]?.label, q).toBe('Torstraße 12, 10119 Berlin');
    for (const q of ['Schönhauser Allee 5', 'schoenhauser allee 5', 'Schonhauser Allee 5'])
      expect((await search(q))[0]?.label, q).toBe('Schönhauser Allee 5, 10435 Berlin');
  });

  it('follows the exact number with the numbers it begins, then weaker streets', async () => {
    const items = await search('torstr 1');
    expect(items.map((i) => i.housenumber).slice(0, 4)).toEqual(['1', '10', '11', '12']);
    const torn = await search('tornstrasse 3');
    expect(torn[0]?.label).toBe('Tornstraße 3, 10178 Berlin');
  });

  it('breaks ties between equal names by distance, and honours a postcode', async () => {
    const south = await search('Berliner Str 3', '&lat=52.5&lng=13.3');
    expect(south[0]?.postcode).toBe('10713');
    const north = await search('Berliner Str 3', '&lat=52.57&lng=13.41');
    expect(north[0]?.postcode).toBe('13187');
    expect((await search('Berliner Straße 3, 13187 Berlin'))[0]?.postcode).toBe('13187');
  });

  it('offers one address per street without a number, and nothing for nonsense', async () => {
    const items = await search('schönhauser');
    expect(items[0]?.label).toBe('Schönhauser Allee 1, 10435 Berlin');
    expect(await search('zzqqxx')).toEqual([]);
    expect(await search('12')).toEqual([]);
    expect(await search("'; DROP TABLE place_addresses; --")).toEqual([]);
    expect((await search('torstr 1', '&limit=3')).length).toBe(3);
  });

  it('refuses bad input with a problem naming the field', async () => {
    for (const url of [
      '/v1/places/search?q=a',
      `/v1/places/search?q=${'x'.repeat(101)}`,
      `/v1/places/search?q=${'%27%3B'.repeat(2000)}`,
      '/v1/places/search?q=tor&limit=21',
      '/v1/places/search?q=tor&lat=NaN&lng=13',
      '/v1/places/search?q=tor&lat=52.5',
      '/v1/places/search?q=tor&city=berlin',
    ]) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(400);
      expect(res.json().code).toBe('VALIDATION_FAILED');
    }
  });
});

describe('reverse geocoding', () => {
  it('answers the nearest address within 200 m, else NO_ADDRESS_NEAR', async () => {
    const res = await get(
      `/v1/places/reverse?lat=${52.52 + 12 * M_LAT}&lng=${13.405 + 290 * M_LNG}`,
    );
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ street: 'Torstraße', housenumber: '23', city: 'Berlin' });
    const far = await get('/v1/places/reverse?lat=52.6&lng=13.6');
    expect(far.statusCode).toBe(404);
    expect(far.json().code).toBe('NO_ADDRESS_NEAR');
    expect((await get('/v1/places/reverse?lat=91&lng=0')).statusCode).toBe(400);
  });
});

describe('street map', () => {
  it('answers the streets crossing a box as cacheable GeoJSON, arterials first', async () => {
    const res = await get('/v1/map/streets?bbox=13.40,52.51,13.43,52.535');
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    const body = res.json();
    expect(body.type).toBe('FeatureCollection');
    const props = body.features.map((f: { properties: object }) => f.properties);
    expect(props.slice(0, 2)).toEqual(
      expect.arrayContaining([
        { name: 'Torstraße', class: 'arterial' },
        { name: 'Schönhauser Allee', class: 'arterial' },
      ]),
    );
    expect(props[2]).toEqual({ name: 'Tornstraße', class: 'street' });
    const tor = body.features.find(
      (f: { properties: { name: string } }) => f.properties.name === 'Torstraße',
    );
    expect(tor.geometry.coordinates[0]).toEqual([13.405, 52.52]);
  });

  it('refuses a box too big, inverted or not numbers, naming bbox', async () => {
    for (const bbox of [
      '13.0,52.0,13.5,52.5',
      '13.42,52.51,13.40,52.53',
      '13.40,52.53,13.42,52.51',
      'a,b,c,d',
      'NaN,52,13,53',
      '13.4,52.5,13.41',
      '1e1,52.5,13.41,52.51',
      "13.4,52.5,13.41,52.51'--",
      '-180,89.9,180,89.95',
    ]) {
      const res = await get(`/v1/map/streets?bbox=${encodeURIComponent(bbox)}`);
      expect(res.statusCode, bbox).toBe(422);
      expect(res.json()).toMatchObject({
        code: 'UNPROCESSABLE',
        errors: [{ path: 'querystring.bbox' }],
      });
    }
    const huge = await get(`/v1/map/streets?bbox=${'1'.repeat(10_000)}`);
    expect(huge.statusCode).toBe(400);
    expect(huge.json().errors[0].path).toBe('querystring.bbox');
  });
});

/** The box and the addresses' mean of a document, as the city's entry should hold them. */
function extentOf(doc: { features: object[] }) {
  const points: Array<[number, number]> = [];
  const addresses: Array<[number, number]> = [];
  for (const f of doc.features as Array<{ geometry: { type: string; coordinates: unknown } }>) {
    if (f.geometry.type === 'Point') {
      points.push(f.geometry.coordinates as [number, number]);
      addresses.push(f.geometry.coordinates as [number, number]);
    } else points.push(...(f.geometry.coordinates as Array<[number, number]>));
  }
  const mean = (i: 0 | 1) => addresses.reduce((sum, p) => sum + p[i], 0) / addresses.length;
  return {
    addresses: addresses.length,
    center: { lat: mean(1), lng: mean(0) },
    bbox: {
      west: Math.min(...points.map((p) => p[0])),
      south: Math.min(...points.map((p) => p[1])),
      east: Math.max(...points.map((p) => p[0])),
      north: Math.max(...points.map((p) => p[1])),
    },
  };
}

interface CityItem {
  key: string;
  name: string;
  center: { lat: number; lng: number };
  bbox: { west: number; south: number; east: number; north: number };
  streets: number;
  addresses: number;
  stores: number;
}

describe('cities', () => {
  const cities = async (headers: Record<string, string> = {}) =>
    t.request({ method: 'GET', url: '/v1/places/cities', headers });
  const items = async () => (await cities()).json().items as CityItem[];

  it('lists a city from its stored rows: name, centre, box, counts, cacheable', async () => {
    const res = await cities();
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=60');
    const [berlin, ...others] = res.json().items as CityItem[];
    expect(others).toEqual([]);
    const want = extentOf(document());
    expect(berlin).toMatchObject({ key: 'berlin', name: 'Berlin', streets: 5, stores: 0 });
    expect(berlin?.addresses).toBe(want.addresses);
    // No centre was given at import: the mean of its addresses.
    expect(berlin?.center.lat).toBeCloseTo(want.center.lat, 5);
    expect(berlin?.center.lng).toBeCloseTo(want.center.lng, 5);
    for (const side of ['west', 'south', 'east', 'north'] as const)
      expect(berlin?.bbox[side], side).toBeCloseTo(want.bbox[side], 5);
    const again = await cities({ 'if-none-match': String(res.headers.etag) });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
  });

  it('counts the stores inside each city’s box that are not closed', async () => {
    const ops = await t.tokenFor('ops');
    const before = await cities();
    const storeAt = async (name: string, lat: number, lng: number) => {
      const res = await callAs(t, ops, 'POST', '/v1/stores', {
        name,
        lat,
        lng,
        zone: { radius_m: 2000 },
        opening_hours: { mon: [['08:00', '20:00']] },
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id as string;
    };
    await storeAt('Mitte', 52.52, 13.41);
    await storeAt('Pankow', 52.53, 13.406);
    await storeAt('Munich', 48.14, 11.58);
    for (const [name, action] of [
      ['Paused', 'pause'],
      ['Shut', 'close'],
    ]) {
      const id = await storeAt(name as string, 52.521, 13.407);
      expect((await callAs(t, ops, 'POST', `/v1/stores/${id}/${action}`)).statusCode).toBe(200);
    }
    expect((await items()).map((c) => [c.key, c.stores])).toEqual([['berlin', 3]]);
    // The store count is part of the answer: the old ETag no longer matches.
    const after = await cities({ 'if-none-match': String(before.headers.etag) });
    expect(after.statusCode).toBe(200);
    expect(after.headers.etag).not.toBe(before.headers.etag);
  });

  it('keeps an imported city’s given centre, orders by name, and drops a city emptied', async () => {
    const places = placesFor(t.platform.ctx);
    const aachen = {
      key: 'aachen',
      name: 'Aachen',
      style: 'de',
      center: { lat: 50.7753, lng: 6.0839 },
    } as const;
    const doc = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { name: 'Pontstraße', class: 'street' },
          geometry: {
            type: 'LineString',
            coordinates: [
              [6.08, 50.778],
              [6.082, 50.7775],
            ],
          },
        },
        {
          type: 'Feature',
          properties: { street: 'Pontstraße', housenumber: '1', postcode: '52062' },
          geometry: { type: 'Point', coordinates: [6.0805, 50.7779] },
        },
      ],
    };
    expect(await places.importCity(aachen, doc)).toMatchObject({ ok: true, addresses: 1 });
    const [first, second] = await items();
    expect(second?.key).toBe('berlin');
    expect(first).toEqual({
      key: 'aachen',
      name: 'Aachen',
      center: aachen.center,
      bbox: { west: 6.08, south: 50.7775, east: 6.082, north: 50.778 },
      streets: 1,
      addresses: 1,
      stores: 0,
    });
    // A refused document changes nothing; an empty one leaves the city without data, unlisted.
    expect((await places.importCity(aachen, { type: 'FeatureCollection' })).ok).toBe(false);
    expect((await items()).map((c) => c.key)).toEqual(['aachen', 'berlin']);
    await places.importCity(aachen, { type: 'FeatureCollection', features: [] });
    expect((await items()).map((c) => c.key)).toEqual(['berlin']);
  });
});

describe('import', () => {
  it('reports every bad feature with its index and imports nothing', async () => {
    const places = placesFor(t.platform.ctx);
    const good = document();
    const bad = JSON.parse(JSON.stringify(good));
    bad.features[0].properties.class = 'motorway';
    bad.features[2].geometry.coordinates = [13.4, 'north'];
    bad.features[4].properties = { street: 'Torstraße', housenumber: '' };
    bad.features[6].geometry = { type: 'Polygon', coordinates: [] };
    bad.features[8] = null;
    const report = await places.importCity(BERLIN, bad);
    expect(report.ok).toBe(false);
    if (report.ok) return;
    expect(report.problems.map((p) => p.index)).toEqual([0, 2, 4, 6, 8]);
    expect(report.problems[0]?.message).toMatch(/^street: \/properties\/class/);
    expect(report.problems[1]?.message).toMatch(/^address: \/geometry\/coordinates/);
    expect(report.problems[3]?.message).toMatch(/LineString \(street\) or a Point/);
    // The city's places are as they were.
    expect((await search('torstr 12'))[0]?.label).toBe('Torstraße 12, 10119 Berlin');
    expect(await places.cityRows('berlin')).toMatchObject({ streets: 5, imported: true });
  });

  it('refuses what is not a FeatureCollection, and replaces a city whole', async () => {
    const places = placesFor(t.platform.ctx);
    for (const doc of [null, [], { type: 'Feature' }, { type: 'FeatureCollection' }])
      expect(await places.importCity(BERLIN, doc)).toMatchObject({
        ok: false,
        problems: [{ index: -1 }],
      });
    const other = { key: 'testville', name: 'Testville', style: 'en' } as const;
    const one = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { street: 'Oak Road', housenumber: '7', postcode: 'T1 1AA', extra: 1 },
          geometry: { type: 'Point', coordinates: [13.5, 52.4] },
        },
      ],
    };
    expect(await places.importCity(other, one)).toMatchObject({
      ok: true,
      addresses: 1,
      unsearchable: 1,
    });
    const near = await get('/v1/places/reverse?lat=52.4&lng=13.5');
    expect(near.json().label).toBe('7 Oak Road, Testville T1 1AA');
    await places.importCity(other, { type: 'FeatureCollection', features: [] });
    expect((await get('/v1/places/reverse?lat=52.4&lng=13.5')).statusCode).toBe(404);
    expect((await search('torstr 12'))[0]?.label).toBe('Torstraße 12, 10119 Berlin');
  });
});
