import type { Api } from './client.ts';
import type { Answer, SimStore } from './state.ts';
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

/** The answer's data when its status is one of `ok`; anything else stops the run. */
async function must<A extends Answer & { data?: unknown }>(
  what: string,
  p: Promise<A>,
  ok: number[] = [200, 201],
): Promise<NonNullable<A['data']>> {
  const res = await p;
  const status = res.response.status;
  if (!ok.includes(status))
    throw new Error(`${what}: ${status} ${JSON.stringify(res.error ?? res.data ?? null)}`);
  return res.data as NonNullable<A['data']>;
}

export async function signIn(api: Api, email: string, password: string): Promise<string> {
  const session = await must(
    `sign-in of ${email}`,
    api.as().POST('/v1/auth/token', { body: { email, password } }),
    [200],
  );
  return session.access_token;
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

/** A request body of NDJSON rows, for the import endpoints. */
const ndjson = (rows: object[]) => ({
  body: rows.map((r) => JSON.stringify(r)).join('\n'),
  bodySerializer: (text: unknown) => text as string,
  headers: { 'content-type': 'application/x-ndjson' },
});

/** Checks an import's answer; a refused row stops the run. */
async function imported(what: string, p: Promise<Answer & { data?: { failed: number } }>) {
  const report = await must(what, p);
  if (report.failed > 0)
    throw new Error(`${what} refused ${report.failed} rows: ${JSON.stringify(report)}`);
}

async function importCatalog(ops: Ops): Promise<void> {
  const { plan, tag } = ops;
  const api = ops.api.as(ops.token);
  await must(
    'category',
    api.PUT('/v1/categories/{id}', {
      params: { path: { id: 'sim-groceries' } },
      body: { name: 'Groceries' },
    }),
  );
  const products = plan.products.map((p) => ({
    sku: `${p.sku}-${tag}`,
    name: p.name,
    category_id: 'sim-groceries',
    price_minor: p.priceMinor,
    currency: 'EUR',
  }));
  await imported('product import', api.POST('/v1/catalog/import/products', ndjson(products)));
}

/** A store with its zone, its stock and one member of staff, signed in. */
async function openStore(ops: Ops, ps: Plan['stores'][number]): Promise<SimStore> {
  const { plan, tag } = ops;
  const api = ops.api.as(ops.token);
  const created = await must(
    `store ${ps.name}`,
    api.POST('/v1/stores', {
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
  const stock = plan.products.map((p, i) => ({
    sku: `${p.sku}-${tag}`,
    on_hand: plan.stock[ps.index]?.[i] ?? 0,
  }));
  await imported(
    `stock of ${ps.name}`,
    api.POST('/v1/stores/{id}/stock/import', {
      params: { path: { id: created.id } },
      ...ndjson(stock),
    }),
  );
  const email = `staff-${ps.index}-${tag}@sim.lastmile.dev`;
  await must(
    `staff of ${ps.name}`,
    api.POST('/v1/stores/{id}/staff', {
      params: { path: { id: created.id } },
      body: { email, name: `Staff ${ps.index}`, password: SIM_PASSWORD },
    }),
  );
  return {
    index: ps.index,
    id: created.id,
    token: await signIn(ops.api, email, SIM_PASSWORD),
    at: ps.at,
    prepMeanS: ps.prepMeanS,
  };
}

/** The plan's products' ids, in plan order, from a store's shelf (every store carries them all). */
async function shelfIds({ api, token, plan, tag }: Ops, storeId: string | undefined) {
  if (!storeId) throw new Error('no store was opened');
  const bySku = new Map<string, string>();
  let cursor: string | null = null;
  do {
    const query: { limit: number; cursor?: string } = cursor
      ? { limit: 100, cursor }
      : { limit: 100 };
    const page = await must(
      'products',
      api.as(token).GET('/v1/stores/{id}/products', { params: { path: { id: storeId }, query } }),
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
    api.as(token).POST('/v1/drivers', {
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
      const session = await must(
        `customer ${i}`,
        api.as().POST('/v1/auth/signup', {
          body: {
            email: `customer-${i}-${tag}@sim.lastmile.dev`,
            name: `Customer ${i}`,
            password: SIM_PASSWORD,
          },
        }),
      );
      return session.access_token;
    },
  );
}
