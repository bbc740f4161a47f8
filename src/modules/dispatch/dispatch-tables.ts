import type { Generated, Kysely, Selectable } from 'kysely';
import type { Db } from '../../platform/db/pool.ts';
import type { DeliveryStatus, StepKind } from './delivery-state.ts';
import type { OfferStatus, TripStatus } from './trip-state.ts';

// The dispatch module's tables (migrations/0001_dispatch.sql), written once for its repositories.

export interface TripsTable {
  id: string;
  store_id: string;
  pickup_lat: number;
  pickup_lng: number;
  status: TripStatus;
  driver_id: string | null;
  items: number;
  dispatch_at: Date;
  next_attempt_at: Date | null;
  round: number;
  offers_in_round: number;
  offers_made: number;
  cycle: number;
  priority: number;
  escalated_at: Date | null;
  assigned_at: Date | null;
  created_at: Date;
  status_at: Date;
  version: number;
}

export interface DeliveriesTable {
  id: string;
  order_id: string;
  trip_id: string;
  store_id: string;
  customer_id: string;
  dropoff_lat: number;
  dropoff_lng: number;
  dropoff_address: string;
  items: number;
  age_restricted: boolean;
  status: DeliveryStatus;
  driver_id: string | null;
  pin: string;
  order_ready: boolean;
  ready_estimate_at: Date;
  promised_at: Date;
  proof_photo_ref: string | null;
  age_checked: boolean | null;
  reason: string | null;
  rating: number | null;
  created_at: Date;
  status_at: Date;
  version: number;
}

export interface OffersTable {
  id: string;
  trip_id: string;
  driver_id: string;
  status: OfferStatus;
  score: number;
  pickup_m: number;
  radius_m: number;
  cycle: number;
  created_at: Date;
  expires_at: Date;
  responded_at: Date | null;
  reason: string | null;
}

export interface DeliveryStepsTable {
  id: Generated<string>;
  delivery_id: string;
  status: StepKind;
  driver_id: string | null;
  lat: number | null;
  lng: number | null;
  at: Date;
  note: string | null;
}

export interface DispatchTables {
  trips: TripsTable;
  deliveries: DeliveriesTable;
  offers: OffersTable;
  delivery_steps: DeliveryStepsTable;
}

/** The shared handle narrowed to dispatch's tables: no other module's can be named. */
export type DispatchDb = Kysely<DispatchTables>;
export const dispatchDb = (db: Db): DispatchDb => db as unknown as DispatchDb;

export type TripRow = Selectable<TripsTable>;
export type DeliveryRow = Selectable<DeliveriesTable>;
export type OfferRow = Selectable<OffersTable>;
