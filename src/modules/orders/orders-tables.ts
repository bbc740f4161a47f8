import type { Generated, Kysely } from 'kysely';
import type { Db } from '../../platform/db/pool.ts';
import type { CheckoutEta, CheckoutParts } from '../eta/index.ts';
import type { OrderStatus } from './order-state.ts';
import type { Totals } from './pricing.ts';

// The orders module's tables (migrations/0001–0005), written once for its repositories.

export interface CartsTable {
  id: string;
  customer_id: string;
  store_id: string;
  status: 'open' | 'checked_out' | 'abandoned';
  version: number;
  /** When the cart was opened (its first line): a cart hold never outlives created_at + max age. */
  created_at: Generated<Date>;
  updated_at: Date;
}

export interface CartLinesTable {
  cart_id: string;
  product_id: string;
  quantity: number;
}

/** The promise checkout makes (epoch ms) and the parts its point added up (eta's estimate). */
export type PromiseMade = Pick<CheckoutEta, 'from' | 'to' | 'at' | 'parts'>;

/** The totals of `priceOrder` are stored as they were computed at checkout. */
export interface OrdersTable extends Totals {
  id: string;
  customer_id: string;
  store_id: string;
  status: OrderStatus;
  version: Generated<number>;
  currency: string;
  captured_minor: number | null;
  delivery_lat: number;
  delivery_lng: number;
  delivery_address: string;
  reservation_id: string;
  payment_method: string;
  client_key: string | null;
  reason: string | null;
  /** The authorization attempt in force (1 at checkout, one more per payment retry). */
  payment_attempt: Generated<number>;
  /** The Idempotency-Key of the request that started the attempt (retries only). */
  payment_attempt_key: Generated<string | null>;
  /** When the customer's chance to pay with another card ends (set by the first decline). */
  payment_due_at: Generated<Date | null>;
  promise_from: Date | null;
  promise_to: Date | null;
  /** The ETA point inside the window (migrations/0008); null for orders placed before. */
  promise_at: Date | null;
  /** The store's orders not yet picked up as it was placed (migrations/0009); null before. */
  promise_backlog: number | null;
  /** What the promise was made of (migrations/0010); null for orders placed before. */
  promise_parts: CheckoutParts | null;
  /** Ops' extension of the phase deadline: holds while the order is still in `deadline_status`. */
  deadline_at: Generated<Date | null>;
  deadline_status: Generated<OrderStatus | null>;
  /** The Idempotency-Key of the last extension. */
  deadline_key: Generated<string | null>;
  placed_at: Generated<Date>;
  status_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface OrderLinesTable {
  order_id: string;
  product_id: string;
  sku: string;
  name: string;
  unit_price_minor: number;
  quantity: number;
  picked_quantity: number | null;
  age_restricted: boolean;
  /** The product this line replaces (an accepted substitute); null for an ordered line. */
  substitute_for: Generated<string | null>;
  /** Units of this line that accepted substitutes replace: never charged. */
  replaced: Generated<number>;
}

export type SubstitutionStatus = 'proposed' | 'accepted' | 'declined' | 'expired';

/** A substitute the store proposed for a short line (migrations/0005). */
export interface OrderSubstitutionsTable {
  id: string;
  order_id: string;
  product_id: string;
  missing: number;
  substitute_product_id: string;
  sku: string;
  name: string;
  unit_price_minor: number;
  quantity: number;
  age_restricted: boolean;
  status: Generated<SubstitutionStatus>;
  reservation_id: string;
  proposed_at: Generated<Date>;
  answer_by: Date;
  answered_at: Date | null;
}

export interface OrderTables {
  carts: CartsTable;
  cart_lines: CartLinesTable;
  orders: OrdersTable;
  order_lines: OrderLinesTable;
  order_substitutions: OrderSubstitutionsTable;
}

/** The shared handle narrowed to the orders module's tables: no other module's can be named. */
export type OrdersDb = Kysely<OrderTables>;
export const ordersDb = (db: Db): OrdersDb => db as unknown as OrdersDb;
