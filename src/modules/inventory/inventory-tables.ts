import type { Generated, Kysely } from 'kysely';
import type { Db } from '../../platform/db/pool.ts';

// The inventory module's tables (migrations/0001–0003), written once for its repositories.

export interface StockTable {
  store_id: string;
  product_id: string;
  on_hand: Generated<number>;
  reserved: Generated<number>;
  updated_at: Generated<Date>;
}

export const ADJUSTMENT_KINDS = ['count', 'restock', 'adjustment', 'import'] as const;
export type AdjustmentKind = (typeof ADJUSTMENT_KINDS)[number];

export interface StockAdjustmentsTable {
  id: string;
  store_id: string;
  product_id: string;
  kind: AdjustmentKind;
  delta: number;
  on_hand_after: number;
  reason: string;
  actor: string;
  created_at: Generated<Date>;
}

export type ReservationStatus = 'held' | 'confirmed' | 'released' | 'expired';

export interface ReservationsTable {
  id: string;
  store_id: string;
  owner: string;
  status: ReservationStatus;
  expires_at: Date;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ReservationLinesTable {
  reservation_id: string;
  product_id: string;
  quantity: number;
}

export interface InventoryTables {
  stock: StockTable;
  stock_adjustments: StockAdjustmentsTable;
  reservations: ReservationsTable;
  reservation_lines: ReservationLinesTable;
}

/** The shared handle narrowed to inventory's tables: no other module's can be named. */
export type InventoryDb = Kysely<InventoryTables>;
export const inventoryDb = (db: Db): InventoryDb => db as unknown as InventoryDb;
