import { uuidv7 } from 'uuidv7';
import { DEMO_PASSWORD, DEMO_USERS } from '../src/cli/demo-seed.ts';
import { createLastmileClient, unwrap } from '../src/client/index.ts';

// The orders benchmark's shop, set up through the API: its customers signed in, one store open
// around the clock, and its products.

const ALWAYS = Object.fromEntries(
  ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['00:00', '24:00']]]),
);

/** The demo customers signed in, and a store with `count` products, through the API as ops. */
export async function openShop(base: string, count: number) {
  const api = createLastmileClient({ baseUrl: base, token: await token(base, 'ops') });
  const customers = await Promise.all(
    DEMO_USERS.filter((u) => u.role === 'customer').map((u) => signIn(base, u.email)),
  );
  await unwrap(
    api.PUT('/v1/categories/{id}', {
      params: { path: { id: 'bench' } },
      body: { name: 'Benchmark goods' },
    }),
  );
  const store = await unwrap(
    api.POST('/v1/stores', {
      body: {
        name: `Bench store ${uuidv7().slice(-6)}`,
        lat: 52.52,
        lng: 13.405,
        zone: { radius_m: 5000 },
        opening_hours: ALWAYS,
      },
    }),
  );
  const products: string[] = [];
  for (let i = 0; i < count; i++) {
    const body = {
      sku: `B-${store.id.slice(-8)}-${i}`,
      name: `Bench item ${i}`,
      category_id: 'bench',
      price_minor: 199 + i,
      currency: 'EUR',
    };
    products.push((await unwrap(api.POST('/v1/products', { body }))).id);
  }
  return { customers, store, products };
}

const token = (base: string, role: string) =>
  signIn(base, (DEMO_USERS.find((u) => u.role === role) as { email: string }).email);
async function signIn(base: string, email: string): Promise<string> {
  const api = createLastmileClient({ baseUrl: base });
  const session = await unwrap(
    api.POST('/v1/auth/token', { body: { email, password: DEMO_PASSWORD } }),
  );
  return session.access_token;
}
