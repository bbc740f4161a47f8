import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api, ApiStats } from '../sim/client.ts';
import { DEFAULT_SIM, type SimConfig } from '../sim/config.ts';
import { type LatLng, makePlan, metres, routeLength, routeOf } from '../sim/plan.ts';
import { buildStreetGraph, type StreetGraph } from '../sim/street-graph.ts';
import { fetchStreetGraph, SIM_CITY, simNetwork, simStreetsDocument } from '../sim/streets.ts';
import { placesFor } from '../src/modules/places/index.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

// The simulated city's streets: customers live at its addresses, couriers drive its streets as
// the API serves them.

const SMALL: SimConfig = {
  ...DEFAULT_SIM,
  ordersPerHour: 120,
  normalMin: 1,
  rushMin: 1,
  afterMin: 0,
  stores: 2,
  customers: 20,
  cityRadiusM: 700,
  zoneRadiusM: 700,
};

/** Every step of the route between its snapped ends is a street's edge. */
function onStreets(g: StreetGraph, route: LatLng[]): boolean {
  const id = new Map(g.nodes.map((n, i) => [`${n.lng},${n.lat}`, i]));
  const inner = route.slice(2, -2);
  return inner.every((p, i) => {
    const a = id.get(`${p.lng},${p.lat}`);
    if (a === undefined) return false;
    if (i === 0) return true;
    const prev = inner[i - 1] as LatLng;
    const b = id.get(`${prev.lng},${prev.lat}`);
    return (g.edges[a] ?? []).some(([n]) => n === b);
  });
}

describe('the simulated city', () => {
  it('plans every visit to a generated address, the same for the same seed', () => {
    const plan = makePlan(SMALL);
    expect(plan.visits.length).toBeGreaterThan(0);
    const addresses = new Set(simNetwork(SMALL).addresses.map((a) => `${a.lat},${a.lng}`));
    for (const v of plan.visits) {
      expect(v.address).toMatch(new RegExp(`^.+ \\d+, 2\\d{4} ${SIM_CITY.name}$`));
      expect(addresses.has(`${v.home.lat},${v.home.lng}`)).toBe(true);
    }
    expect(makePlan(SMALL).visits).toEqual(plan.visits);
  });

  it('routes along the streets, longer than the straight line, and falls back off the map', () => {
    const g = buildStreetGraph(simNetwork(SMALL).streets.map((s) => s.coordinates));
    const plan = makePlan(SMALL);
    const store = plan.stores[0]?.at as LatLng;
    for (const v of plan.visits.slice(0, 10)) {
      const route = routeOf(store, v.home, g);
      expect(route[0]).toEqual(store);
      expect(route.at(-1)).toEqual(v.home);
      expect(onStreets(g, route)).toBe(true);
      const straight = metres(store, v.home);
      expect(routeLength(route)).toBeGreaterThanOrEqual(straight - 1);
      // A grid: at most √2 and the ways to and from the street longer.
      expect(routeLength(route)).toBeLessThan(straight * 1.5 + 400);
    }
    const far = { lat: 48.1, lng: 11.5 };
    expect(routeOf(store, far, g)).toHaveLength(3);
    expect(routeOf(store, far, null)).toHaveLength(3);
  });
});

describe('the streets the API serves to the simulation', () => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform({ workflows: false, listen: true });
    const report = await placesFor(t.platform.ctx).importCity(
      { key: SIM_CITY.key, name: SIM_CITY.name, style: 'de' },
      JSON.parse(JSON.stringify(simStreetsDocument(SMALL))),
    );
    expect(report.ok).toBe(true);
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('are fetched once into a graph the couriers route on', async () => {
    const api = new Api([t.platform.url as string], new ApiStats(), Date.now());
    try {
      const g = await fetchStreetGraph(api, SMALL);
      expect(g).not.toBeNull();
      const local = buildStreetGraph(simNetwork(SMALL).streets.map((s) => s.coordinates));
      expect(g?.nodes.length).toBe(local.nodes.length);
      const plan = makePlan(SMALL);
      const route = routeOf(plan.stores[0]?.at as LatLng, plan.visits[0]?.home as LatLng, g);
      expect(onStreets(g as StreetGraph, route)).toBe(true);
      // Somewhere with no streets: none.
      expect(await fetchStreetGraph(api, { ...SMALL, center: { lat: 48.1, lng: 11.5 } })).toBe(
        null,
      );
    } finally {
      await api.close();
    }
  });
});
