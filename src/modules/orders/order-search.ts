import type { Db } from '../../platform/db/pool.ts';
import { type OrderSearch, orderSearchRepository } from './order-search.repository.ts';

/** Hex digits of a UUID, as written with its hyphens. */
const asUuid = (hex: string) =>
  `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;

/** The ids a full id or the start of one spans (hyphens anywhere, any case); null if it is no hex. */
export function idPrefixRange(prefix: string): { from: string; to: string } | null {
  const hex = prefix.replace(/-/g, '').toLowerCase();
  if (hex.length === 0 || hex.length > 32 || !/^[0-9a-f]+$/.test(hex)) return null;
  return { from: asUuid(hex.padEnd(32, '0')), to: asUuid(hex.padEnd(32, 'f')) };
}

const MAX_MS = 2 ** 48 - 1;
/**
 * How far an order's id time may be from its `placed_at`: the id is made when checkout starts,
 * `placed_at` by the database when the order is written (a batch, another clock).
 */
export const ID_TIME_MARGIN_MS = 5 * 60_000;

/**
 * The ids of orders placed in [from, to): order ids are UUIDv7, whose first 48 bits are the
 * milliseconds they were made at, so a time range is a range of the primary key (widened by the
 * margin; the exact times are checked on `placed_at`).
 */
export function placedIdRange(from?: Date, to?: Date): { from: string; to: string } {
  const lo = from ? Math.max(0, from.getTime() - ID_TIME_MARGIN_MS) : 0;
  const hi = to ? Math.min(MAX_MS, to.getTime() + ID_TIME_MARGIN_MS) : MAX_MS;
  const ms = (n: number) => n.toString(16).padStart(12, '0');
  return { from: asUuid(`${ms(lo)}${'0'.repeat(20)}`), to: asUuid(`${ms(hi)}${'f'.repeat(20)}`) };
}

/** Ops' order search (the ops console pages it and adds what other modules know). */
export function orderSearch(db: Db) {
  const repo = orderSearchRepository(db);
  return (s: OrderSearch) => repo.search(s);
}

export type { OrderSearch, OrderSearchRow } from './order-search.repository.ts';
