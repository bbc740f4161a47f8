import type { ColumnType, Generated, Kysely, Selectable } from 'kysely';
import type { Db } from '../../platform/db/pool.ts';
import type { DeliveryStatus, ProofPolicy, StepKind, StopStep } from './delivery-state.ts';
import type { OfferPay } from './driver-pay.ts';
import type { OfferStatus, TripStatus } from './trip-state.ts';

// The dispatch module's tables (migrations/), written once for its repositories.

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
  /** When the dispatcher took the trip back from its driver for a nearer one (once at most). */
  replanned_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
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
  /** What the handover needs, decided when the delivery is planned. */
  proof: ProofPolicy;
  pin_failures: number;
  pin_locked_at: Date | null;
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
  /** What the offer pays (driver-pay.ts), fixed when it is made; null on older offers. */
  pay: OfferPay | null;
}

/** What each delivery of a trip earned its driver when it ended (driver-pay.ts). */
export interface DriverEarningsTable {
  delivery_id: string;
  driver_id: string;
  order_id: string;
  trip_id: string;
  offer_id: string | null;
  outcome: 'delivered' | 'failed' | 'returned';
  currency: string;
  base_minor: number;
  distance_m: number;
  distance_minor: number;
  waiting_s: number;
  waiting_minor: number;
  total_minor: number;
  earned_at: Date;
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

/** Ops waiving a safeguard of a delivery: who, when, why (the audit). */
export interface DeliveryOverridesTable {
  id: Generated<string>;
  delivery_id: string;
  kind: 'geofence_waived' | 'pin_unlocked';
  /** The step a geofence waiver is for. */
  step: StopStep | null;
  by_user: string;
  at: Date;
  reason: string;
  /** When the waived step went through. */
  used_at: Date | null;
}

export interface DispatchTables {
  trips: TripsTable;
  deliveries: DeliveriesTable;
  offers: OffersTable;
  delivery_steps: DeliveryStepsTable;
  delivery_overrides: DeliveryOverridesTable;
  driver_earnings: DriverEarningsTable;
}

/** The shared handle narrowed to dispatch's tables: no other module's can be named. */
export type DispatchDb = Kysely<DispatchTables>;
export const dispatchDb = (db: Db): DispatchDb => db as unknown as DispatchDb;

export type TripRow = Selectable<TripsTable>;
export type DeliveryRow = Selectable<DeliveriesTable>;
export type OfferRow = Selectable<OffersTable>;
export type OverrideRow = Selectable<DeliveryOverridesTable>;
export type EarningRow = Selectable<DriverEarningsTable>;
