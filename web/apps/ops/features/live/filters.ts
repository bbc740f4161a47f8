import type {
  OpsCityDriver,
  OpsCityOrder,
  OpsCityPosition,
  OpsCityStore,
  OpsCityZone,
} from '@lastmile/client';
import type { City } from './city-state.ts';

// What the live map shows, as the console's URL holds it (a view can be bookmarked and shared):
// a zone (an H3 cell), a store, an order state, late orders only; and the benchmark's switch.

export type OrderState = OpsCityOrder['status'];
/** The states of an order on the map (the SDK's), in the order of an order's life. */
export const ORDER_STATES = [
  'authorized',
  'accepted',
  'preparing',
  'ready',
  'picked_up',
] as const satisfies readonly OrderState[];

export interface LiveSearch {
  zone?: string;
  store?: string;
  state?: OrderState;
  late?: boolean;
  /** `?measure=1`: each driver position is measured from its recording to its first paint. */
  measure?: number;
}

const CELL = /^[0-9a-f]{15}$/;
const ID = /^[0-9a-fA-F-]{36}$/;

/** The search in a URL's query, keeping only known keys with sound values. */
export function liveSearchOf(q: Record<string, unknown>): LiveSearch {
  const out: LiveSearch = {};
  if (typeof q.zone === 'string' && CELL.test(q.zone)) out.zone = q.zone;
  if (typeof q.store === 'string' && ID.test(q.store)) out.store = q.store;
  if (ORDER_STATES.some((s) => s === q.state)) out.state = q.state as OrderState;
  if (q.late === true || q.late === 'true') out.late = true;
  if (q.measure === 1 || q.measure === '1' || q.measure === true) out.measure = 1;
  return out;
}

/** What passes the filters (in no particular order: the panel sorts what it lists). */
export interface Shown {
  drivers: Array<{ d: OpsCityDriver; p: OpsCityPosition | undefined }>;
  orders: OpsCityOrder[];
  stores: OpsCityStore[];
  zones: OpsCityZone[];
}

/**
 * The city narrowed by the filters. An order passes when it is of the store, in the state, late
 * if asked, and its drop-off or store is in the zone; a driver when they stand in the zone and,
 * if orders are narrowed, carry one that passes; a store when it is the one and in the zone. What
 * is in a zone is the server's word: each position, order and store names its cell.
 */
export function shownOf(city: City, f: LiveSearch): Shown {
  const zone = f.zone ? (city.zones.get(f.zone) ?? city.cells.get(f.zone)) : undefined;
  const inCell = (x: { cell: string } | undefined) => !f.zone || x?.cell === f.zone;
  const orders: OpsCityOrder[] = [];
  for (const o of city.orders.values()) {
    if (f.store && o.store_id !== f.store) continue;
    if (f.state && o.status !== f.state) continue;
    if (f.late && !o.late) continue;
    if (!inCell(o) && !inCell(city.stores.get(o.store_id))) continue;
    orders.push(o);
  }
  const narrowed = !!(f.store || f.state || f.late);
  const passing = new Set(orders.map((o) => o.id));
  const drivers: Shown['drivers'] = [];
  for (const d of city.drivers.values()) {
    const p = city.positions.get(d.id);
    if (!inCell(p)) continue;
    if (narrowed && !d.order_ids.some((id) => passing.has(id))) continue;
    drivers.push({ d, p });
  }
  const stores = [...city.stores.values()].filter(
    (s) => (!f.store || s.id === f.store) && inCell(s),
  );
  const zones = f.zone ? (zone ? [zone] : []) : [...city.zones.values()];
  return { drivers, orders, stores, zones };
}

const byName = new Intl.Collator(undefined, { sensitivity: 'base' }).compare;

/** The drivers by name, the orders late first then by id: the order the panel lists them in. */
export function listed(s: Shown): Pick<Shown, 'drivers' | 'orders'> {
  return {
    drivers: s.drivers.toSorted((a, b) => byName(a.d.name, b.d.name) || (a.d.id < b.d.id ? -1 : 1)),
    orders: s.orders.toSorted((a, b) => Number(b.late) - Number(a.late) || (a.id < b.id ? -1 : 1)),
  };
}
