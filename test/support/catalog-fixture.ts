import { afterAll, beforeAll, expect } from 'vitest';
import { startTestPlatform, type TestPlatform } from './platform.ts';

/** Opening hours of a store that never closes. */
export const ALWAYS = Object.fromEntries(
  ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['00:00', '24:00']]]),
);
export const CENTER = { lat: 52.52, lng: 13.405 };
/** The point `m` metres north of CENTER. */
export const north = (m: number) => ({ lat: CENTER.lat + m / 111_195, lng: CENTER.lng });

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT';

/**
 * The catalog test files' platform (no workflows), started before the file's tests and stopped
 * after them, with an ops token; with `categories`, a small tree (dairy > milk, bakery) made first.
 */
export function catalogFixture(opts: { categories?: boolean } = {}) {
  let t: TestPlatform | undefined;
  let ops = '';
  const platform = (): TestPlatform => {
    if (!t) throw new Error('the catalog fixture is used before its platform started');
    return t;
  };
  const api = (method: Method, url: string, payload?: object, token: string | undefined = ops) =>
    platform().request({ method, url, token, ...(payload ? { payload } : {}) });

  beforeAll(async () => {
    t = await startTestPlatform({ workflows: false });
    ops = await t.tokenFor('ops');
    if (!opts.categories) return;
    const tree: Array<[string, string, string?]> = [
      ['dairy', 'Dairy'],
      ['milk', 'Milk', 'dairy'],
      ['bakery', 'Bakery'],
    ];
    for (const [id, name, parent_id] of tree)
      expect((await api('PUT', `/v1/categories/${id}`, { name, parent_id })).statusCode).toBe(200);
  });
  afterAll(async () => {
    await t?.stop();
  });

  return {
    get t() {
      return platform();
    },
    get ops() {
      return ops;
    },
    api,
    /** A store at `at` delivering 3 km around, always open; `extra` overrides any field. */
    async store(name: string, at: { lat: number; lng: number }, extra: object = {}) {
      const res = await api('POST', '/v1/stores', {
        name,
        lat: at.lat,
        lng: at.lng,
        zone: { radius_m: 3000 },
        opening_hours: ALWAYS,
        avg_prep_s: 300,
        ...extra,
      });
      expect(res.statusCode).toBe(201);
      return res.json() as { id: string; version: number };
    },
  };
}
