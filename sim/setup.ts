import type { Api } from './client.ts';
import type { SimStore } from './state.ts';
import type { Plan } from './plan.ts';

const ALWAYS_OPEN = Object.fromEntries(
  ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['00:00', '24:00']]]),
);
/** Every simulated account signs in with this (the server asks for at least 10 characters). */
export const SIM_PASSWORD = 'simulated-evening-1';

/** Runs `fn` over `items` with at most `n` at a time, keeping the order of results. */
export async function inPool<T, R>(
  items: readonly T[],
  n: number,
  fn: (item: T, i: number) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      for (;;) {
        const i = next++;
        if (i >= items.length) return;
        out[i] = await fn(items[i] as T, i);
      }
    }),
  );
  return out;
}

async function must<T>(
  what: string,
  p: Promise<{ status: number; body: T }>,
  ok: number[] = [200, 201],
): Promise<T> {
  const res = await p;
  if (!ok.includes(res.status))
    throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function signIn(api: Api, email: string, password: string): Promise<string> {
  const body = await must<{ access_token: string }>(
    `sign-in of ${email}`,
    api.call('POST', '/v1/auth/token', { body: { email, password } }),
    [200],
  );
  return body.access_token;
}

export interface City {
  stores: SimStore[];
  productIds: string[];
  customerTokens: string[];
  driverTokens: string[];
}

/**
 * Builds the simulated city through the public API as its operators would: stores with zones
 * and staff, the catalog and stock as NDJSON imports, couriers onboarded by ops, and customers
 * who sign up themselves. `tag` keeps two runs on one instance apart.
 */
export async function buildCity(
  api: Api,
  plan: Plan,
  opsToken: string,
  tag: string,
  log: (msg: string) => void,
): Promise<City> {
  const ops: Ops = { api, token: opsToken, plan, tag };
  await importCatalog(ops);
  const stores = await inPool(plan.stores, 4, (ps) => openStore(ops, ps));
  log(`${stores.length} stores with ${plan.products.length} products each`);
  const productIds = await shelfIds(ops, stores[0]?.id);
  const driverTokens = await inPool(plan.drivers, 6, (d) => onboardCourier(ops, d));
  log(`${driverTokens.length} couriers onboarded`);
  const customerTokens = await signUpCustomers(ops);
  log(`${customerTokens.length} customers signed up`);
  return { stores, productIds, customerTokens, driverTokens };
}

/** What building the city needs: the API with an ops token, the plan, and the run's tag. */
interface Ops {
  api: Api;
  token: string;
  plan: Plan;
  tag: string;
}

/** Uploads NDJSON to an import endpoint; a refused row stops the run. */
async function importNdjson(ops: Ops, what: string, url: string, rows: object[]): Promise<void> {
  const imported = await must<{ failed: number }>(
    what,
    ops.api.call('POST', url, {
      token: ops.token,
      raw: rows.map((r) => JSON.stringify(r)).join('\n'),
      contentType: 'application/x-ndjson',
    }),
  );
  if (imported.failed > 0)
    throw new Error(`${what} refused ${imported.failed} rows: ${JSON.stringify(imported)}`);
}

async function importCatalog(ops: Ops): Promise<void> {
  const { api, token, plan, tag } = ops;
  await must(
    'category',
    api.call('PUT', '/v1/categories/sim-groceries', { token, body: { name: 'Groceries' } }),
  );
  await importNdjson(
    ops,
    'product import',
    '/v1/catalog/import/products',
    plan.products.map((p) => ({
      sku: `${p.sku}-${tag}`,
      name: p.name,
      category_id: 'sim-groceries',
      price_minor: p.priceMinor,
      currency: 'EUR',
    })),
  );
}

/** A store with its zone, its stock and one member of staff, signed in. */
async function openStore(ops: Ops, ps: Plan['stores'][number]): Promise<SimStore> {
  const { api, token, plan, tag } = ops;
  const created = await must<{ id: string }>(
    `store ${ps.name}`,
    api.call('POST', '/v1/stores', {
      token,
      body: {
        name: `${ps.name} ${tag}`,
        lat: ps.at.lat,
        lng: ps.at.lng,
        zone: { radius_m: 3000 },
        opening_hours: ALWAYS_OPEN,
        avg_prep_s: ps.prepMeanS,
      },
    }),
  );
  await importNdjson(
    ops,
    `stock of ${ps.name}`,
    `/v1/stores/${created.id}/stock/import`,
    plan.products.map((p, i) => ({
      sku: `${p.sku}-${tag}`,
      on_hand: plan.stock[ps.index]?.[i] ?? 0,
    })),
  );
  const email = `staff-${ps.index}-${tag}@sim.lastmile.dev`;
  await must(
    `staff of ${ps.name}`,
    api.call('POST', `/v1/stores/${created.id}/staff`, {
      token,
      body: { email, name: `Staff ${ps.index}`, password: SIM_PASSWORD },
    }),
  );
  return {
    index: ps.index,
    id: created.id,
    token: await signIn(api, email, SIM_PASSWORD),
    at: ps.at,
    prepMeanS: ps.prepMeanS,
  };
}

/** The plan's products' ids, in plan order, from a store's shelf (every store carries them all). */
async function shelfIds({ api, token, plan, tag }: Ops, storeId: string | undefined) {
  const bySku = new Map<string, string>();
  let cursor: string | null = null;
  do {
    const page: {
      items: Array<{ product: { id: string; sku: string } }>;
      next_cursor: string | null;
    } = await must(
      'products',
      api.call(
        'GET',
        `/v1/stores/${storeId}/products?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { token },
      ),
    );
    for (const { product } of page.items) bySku.set(product.sku, product.id);
    cursor = page.next_cursor;
  } while (cursor);
  return plan.products.map((p) => {
    const id = bySku.get(`${p.sku}-${tag}`);
    if (!id) throw new Error(`product ${p.sku} is not on the shelf after the import`);
    return id;
  });
}

async function onboardCourier({ api, token, tag }: Ops, d: Plan['drivers'][number]) {
  const email = `courier-${d.index}-${tag}@sim.lastmile.dev`;
  await must(
    `courier ${d.index}`,
    api.call('POST', '/v1/drivers', {
      token,
      body: { name: `Courier ${d.index}`, email, password: SIM_PASSWORD, vehicle: d.vehicle },
    }),
  );
  return signIn(api, email, SIM_PASSWORD);
}

/** As many customers as the plan's visits name, each signed up (and so signed in). */
async function signUpCustomers({ api, plan, tag }: Ops): Promise<string[]> {
  const customers = Math.min(
    plan.visits.length,
    Math.max(...plan.visits.map((v) => v.customer + 1), 1),
  );
  return inPool(
    Array.from({ length: customers }, (_, i) => i),
    6,
    async (i) => {
      const body = await must<{ access_token: string }>(
        `customer ${i}`,
        api.call('POST', '/v1/auth/signup', {
          body: {
            email: `customer-${i}-${tag}@sim.lastmile.dev`,
            name: `Customer ${i}`,
            password: SIM_PASSWORD,
          },
        }),
      );
      return body.access_token;
    },
  );
}
