import type { Schemas } from '@lastmile/client';
import { messages } from '../../messages.ts';

// The order search as the console's URL holds it (so a search can be bookmarked, shared and
// reloaded): the keys of `GET /v1/ops/orders` a person filled in, nothing else.

export type OrderStatus = Schemas['OpsOrder']['status'];

/**
 * Every status, in the order's own order: the keys of the words for them, which the compiler holds
 * to the API's list (a `Record` over its status type), so no second copy of the list is kept here.
 */
export const ORDER_STATUSES = Object.keys(messages.orderStatus) as OrderStatus[];

export interface OrderSearch {
  id?: string;
  customer?: string;
  store_id?: string;
  driver_id?: string;
  status?: OrderStatus;
  placed_from?: string;
  placed_to?: string;
}

const TEXT_KEYS = ['id', 'customer', 'store_id', 'driver_id', 'placed_from', 'placed_to'] as const;

const isStatus = (v: unknown): v is OrderStatus => ORDER_STATUSES.some((s) => s === v);

/** The search in a URL's query, keeping only known keys with non-empty text. */
export function orderSearchOf(q: Record<string, unknown>): OrderSearch {
  const out: OrderSearch = {};
  for (const key of TEXT_KEYS) {
    const v = q[key];
    if (typeof v === 'string' && v.trim() !== '') out[key] = v.trim();
  }
  if (isStatus(q.status)) out.status = q.status;
  return out;
}

/** An ISO time as a `datetime-local` input shows it (the browser's time zone), or ''. */
export function localInput(iso: string | undefined): string {
  if (!iso) return '';
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return '';
  const local = new Date(at.getTime() - at.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

/** A `datetime-local` input's value as an ISO time, or undefined when empty or not a time. */
export function isoOf(local: string): string | undefined {
  if (!local) return undefined;
  const at = new Date(local);
  return Number.isNaN(at.getTime()) ? undefined : at.toISOString();
}
