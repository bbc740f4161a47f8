import type { Clock } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { idCursor } from '../../platform/http/page-cursor.ts';
import {
  idPrefixRange,
  type OrderSearch,
  type OrderSearchRow,
  type OrderStatus,
  placedIdRange,
  TERMINAL,
} from '../orders/index.ts';

const CURSOR = idCursor('ops-orders');
/** A driver's orders are read this many at a time… */
const DRIVER_STEP = 500;
/** …at most this many times for one page (then the page ends early, with a cursor). */
const DRIVER_STEPS = 10;

export interface OrderSearchQuery {
  id?: string;
  customer?: string;
  store_id?: string;
  driver_id?: string;
  status?: OrderStatus;
  placed_from?: string;
  placed_to?: string;
  cursor?: string;
  limit: number;
}

/** What the search reads, each from the module that owns it. */
export interface OrderSearchDeps {
  clock: Clock;
  search: (s: OrderSearch) => Promise<OrderSearchRow[]>;
  accountByEmail: (email: string) => Promise<{ id: string } | undefined>;
  emails: (ids: readonly string[]) => Promise<Map<string, string>>;
  storeNames: (ids: readonly string[]) => Promise<Map<string, string>>;
  driverNames: (ids: readonly string[]) => Promise<Map<string, string>>;
  carriers: {
    ofOrders: (
      ids: readonly string[],
    ) => Promise<Array<{ order_id: string; driver_id: string | null; status: string }>>;
    ordersOfDriver: (
      driverId: string,
      before: string | undefined,
      limit: number,
    ) => Promise<string[]>;
  };
}

const invalid = (field: string, message: string) =>
  new AppError('VALIDATION_FAILED', `${field}: ${message}`, {
    details: { errors: [{ path: `querystring.${field}`, message }] },
  });

/** A time the schema let through as date-time text but no Date holds (a leap second, 24:00). */
function timeOf(field: string, text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const at = new Date(text);
  if (Number.isNaN(at.getTime())) throw invalid(field, 'not a time');
  return at;
}

/** Late: still open past the promised window's end, or delivered after it. */
export function isLate(o: OrderSearchRow, now: number): boolean {
  if (!o.promise_to) return false;
  if (o.status === 'delivered') return o.status_at.getTime() > o.promise_to.getTime();
  return !TERMINAL.has(o.status) && now > o.promise_to.getTime();
}

/** The keys of a query as the orders module searches by them; null when no order can match. */
async function searchKeys(
  deps: OrderSearchDeps,
  q: OrderSearchQuery,
): Promise<Omit<OrderSearch, 'limit' | 'before'> | null> {
  const keys: Omit<OrderSearch, 'limit' | 'before'> = {};
  if (q.id !== undefined) {
    const ids = idPrefixRange(q.id);
    if (!ids) throw invalid('id', 'an order id or its first hex digits (at most 32)');
    keys.ids = ids;
  }
  if (q.customer !== undefined) {
    if (q.customer.includes('@')) {
      const account = await deps.accountByEmail(q.customer);
      if (!account) return null;
      keys.customerId = account.id;
    } else keys.customerId = q.customer;
  }
  if (q.store_id) keys.storeId = q.store_id;
  if (q.status) keys.status = q.status;
  if (q.placed_from !== undefined || q.placed_to !== undefined) {
    const from = timeOf('placed_from', q.placed_from);
    const to = timeOf('placed_to', q.placed_to);
    if (from && to && from.getTime() >= to.getTime())
      throw invalid('placed_to', 'must be after placed_from');
    keys.placed = { from, to, idRange: placedIdRange(from, to) };
  }
  return keys;
}

/**
 * A driver's orders that match the other keys, newest first: their ids come from dispatch in
 * steps, each step's matches from orders. After `DRIVER_STEPS` steps the page ends where the
 * reading stopped (`resumeAt`), so a driver with years of deliveries costs a bounded read.
 */
async function driverOrders(
  deps: OrderSearchDeps,
  driverId: string,
  keys: Omit<OrderSearch, 'limit' | 'before'>,
  before: string | undefined,
  want: number,
): Promise<{ rows: OrderSearchRow[]; resumeAt: string | null }> {
  const rows: OrderSearchRow[] = [];
  let after = before;
  for (let step = 0; step < DRIVER_STEPS; step++) {
    const ids = await deps.carriers.ordersOfDriver(driverId, after, DRIVER_STEP);
    if (ids.length > 0)
      rows.push(...(await deps.search({ ...keys, among: ids, limit: want - rows.length })));
    if (rows.length >= want || ids.length < DRIVER_STEP) return { rows, resumeAt: null };
    after = ids.at(-1);
  }
  return { rows, resumeAt: after ?? null };
}

/** The list items: each order with its store's name, customer's email, driver and lateness. */
async function views(deps: OrderSearchDeps, rows: readonly OrderSearchRow[]) {
  const [stores, emails, carried] = await Promise.all([
    deps.storeNames(rows.map((o) => o.store_id)),
    deps.emails(rows.map((o) => o.customer_id)),
    deps.carriers.ofOrders(rows.map((o) => o.id)),
  ]);
  const delivery = new Map(carried.map((d) => [d.order_id, d]));
  const names = await deps.driverNames(carried.flatMap((d) => (d.driver_id ? [d.driver_id] : [])));
  const now = deps.clock.now();
  return rows.map((o) => {
    const d = delivery.get(o.id);
    return {
      id: o.id,
      status: o.status,
      placed_at: o.placed_at.toISOString(),
      status_at: o.status_at.toISOString(),
      store: { id: o.store_id, name: stores.get(o.store_id) ?? null },
      customer: { id: o.customer_id, email: emails.get(o.customer_id) ?? null },
      driver: d?.driver_id ? { id: d.driver_id, name: names.get(d.driver_id) ?? null } : null,
      delivery_status: d?.status ?? null,
      total_minor: o.total_minor,
      currency: o.currency,
      promise:
        o.promise_from && o.promise_to
          ? { from: o.promise_from.toISOString(), to: o.promise_to.toISOString() }
          : null,
      late: isLate(o, now),
    };
  });
}

/** Ops' order search: by id or prefix, customer, store, driver, status and placement time. */
export function opsOrderSearch(deps: OrderSearchDeps) {
  return async (q: OrderSearchQuery) => {
    const before = q.cursor ? CURSOR.decode(q.cursor) : undefined;
    const keys = await searchKeys(deps, q);
    if (!keys) return { items: [], next_cursor: null };
    const want = q.limit + 1;
    const { rows, resumeAt } = q.driver_id
      ? await driverOrders(deps, q.driver_id, keys, before, want)
      : { rows: await deps.search({ ...keys, before, limit: want }), resumeAt: null };
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    const next = rows.length > q.limit && last ? last.id : resumeAt;
    return {
      items: await views(deps, page),
      next_cursor: next ? CURSOR.encode(next) : null,
    };
  };
}
