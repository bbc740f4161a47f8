import { describe, expect, it } from 'vitest';
import { metresBetween } from '../../web/shared/geo.ts';
import {
  defaultCity,
  OPENING_HALF_M,
  openingView,
  type ServedCity,
} from '../../web/apps/customer/features/place/city-choice.ts';

// Which served city the customer's place screen opens on before a point is chosen.

const city = (
  key: string,
  center: { lat: number; lng: number },
  halfDeg: number,
  stores: number,
  addresses = 1000,
): ServedCity => ({
  key,
  center,
  bbox: {
    west: center.lng - halfDeg,
    south: center.lat - halfDeg,
    east: center.lng + halfDeg,
    north: center.lat + halfDeg,
  },
  stores,
  addresses,
});

const BERLIN = city('berlin', { lat: 52.52, lng: 13.405 }, 0.1, 8);
const HAMBURG = city('hamburg', { lat: 53.5511, lng: 9.9937 }, 0.05, 30);
const LONDON = city('london', { lat: 51.5074, lng: -0.1278 }, 0.2, 0, 5000);

describe('the city the place screen opens on', () => {
  it('is none when no city is served', () => {
    expect(defaultCity([], null)).toBeNull();
    expect(defaultCity([], { lat: 52.5, lng: 13.4 })).toBeNull();
  });

  it('without a known point: the most stores, then the most addresses, then the list order', () => {
    expect(defaultCity([BERLIN, HAMBURG, LONDON], null)?.key).toBe('hamburg');
    const noStores = [BERLIN, LONDON].map((c) => ({ ...c, stores: 0 }));
    expect(defaultCity(noStores, null)?.key).toBe('london');
    const twins = [
      { ...BERLIN, key: 'a' },
      { ...BERLIN, key: 'b' },
    ];
    expect(defaultCity(twins, null)?.key).toBe('a');
  });

  it('with a known point: the city whose box holds it or is nearest, whatever its stores', () => {
    const cities = [BERLIN, HAMBURG, LONDON];
    // Inside Berlin's box, though Hamburg has more stores.
    expect(defaultCity(cities, { lat: 52.6, lng: 13.49 })?.key).toBe('berlin');
    // Potsdam is outside every box and nearest Berlin's.
    expect(defaultCity(cities, { lat: 52.39, lng: 13.06 })?.key).toBe('berlin');
    expect(defaultCity(cities, { lat: 53.87, lng: 10.68 })?.key).toBe('hamburg');
    expect(defaultCity(cities, { lat: 48.86, lng: 2.35 })?.key).toBe('london');
  });

  it('with the point inside two boxes: the nearer centre', () => {
    const wide = city('wide', { lat: 52.3, lng: 13.405 }, 0.5, 50);
    expect(defaultCity([wide, BERLIN], { lat: 52.5, lng: 13.4 })?.key).toBe('berlin');
    expect(defaultCity([wide, BERLIN], { lat: 52.1, lng: 13.4 })?.key).toBe('wide');
  });

  it('first shows the streets around the city’s centre, OPENING_HALF_M each way', () => {
    for (const c of [BERLIN, LONDON, city('north', { lat: 69.65, lng: 18.96 }, 0.1, 1)]) {
      const [sw, ne] = openingView(c);
      if (!sw || !ne) throw new Error('two corners expected');
      expect((sw.lat + ne.lat) / 2).toBeCloseTo(c.center.lat, 9);
      expect((sw.lng + ne.lng) / 2).toBeCloseTo(c.center.lng, 9);
      const across = metresBetween(
        { lat: c.center.lat, lng: sw.lng },
        { lat: c.center.lat, lng: ne.lng },
      );
      const tall = metresBetween(
        { lat: sw.lat, lng: c.center.lng },
        { lat: ne.lat, lng: c.center.lng },
      );
      expect(across).toBeGreaterThan(2 * OPENING_HALF_M * 0.99);
      expect(across).toBeLessThan(2 * OPENING_HALF_M * 1.01);
      expect(tall).toBeGreaterThan(2 * OPENING_HALF_M * 0.99);
      expect(tall).toBeLessThan(2 * OPENING_HALF_M * 1.01);
    }
  });
});
