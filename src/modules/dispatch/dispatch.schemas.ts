import { type TSchema, Type } from '@sinclair/typebox';
import { component, ref, stringEnum } from '../../platform/http/contract.ts';
import { DateTime, Uuid } from '../../platform/http/typed.ts';
import { offerProperties, PROOF_POLICIES, PROOF_TEXT } from '../drivers/index.ts';
import {
  DELIVERY_STATUSES,
  DELIVERY_TRANSITIONS,
  STEP_KINDS,
  STOP_STEPS,
} from './delivery-state.ts';
import { transitionsText } from './state-machine.ts';
import {
  OFFER_STATUSES,
  OFFER_TRANSITIONS,
  TRIP_STATUSES,
  TRIP_TRANSITIONS,
} from './trip-state.ts';

/** The dispatch module's API shapes (named components of the OpenAPI document). */

const Closed = { additionalProperties: false } as const;
const Nullable = (t: TSchema, description?: string) =>
  Type.Union([t, Type.Null()], description ? { description } : {});
const Lat = Type.Number({ minimum: -90, maximum: 90 });
const Lng = Type.Number({ minimum: -180, maximum: 180 });
const Point = Type.Object({ lat: Lat, lng: Lng }, Closed);

const DeliveryStatus = stringEnum(
  DELIVERY_STATUSES,
  `Where the delivery is. Moves: ${transitionsText(DELIVERY_TRANSITIONS)}`,
);
export const TripStatus = stringEnum(
  TRIP_STATUSES,
  `Where the trip is. Moves: ${transitionsText(TRIP_TRANSITIONS)}`,
);
const OfferStatus = stringEnum(
  OFFER_STATUSES,
  `Where the offer is. Moves: ${transitionsText(OFFER_TRANSITIONS)}`,
);

export const ProofPolicy = stringEnum(PROOF_POLICIES, PROOF_TEXT);
export const StopStep = stringEnum(
  STOP_STEPS,
  'A step taken at a stop: at the store (at_store, picked_up) or at the drop-off (at_dropoff, delivered)',
);

const Override = Type.Object(
  {
    kind: stringEnum(
      ['geofence_waived', 'pin_unlocked'] as const,
      '`geofence_waived`: one step may be taken from anywhere; `pin_unlocked`: the PIN lock was lifted',
    ),
    step: Nullable(StopStep, 'The step a geofence waiver is for'),
    by: Type.String({ format: 'uuid', description: 'The ops user who made it' }),
    at: DateTime,
    reason: Type.String(),
    used_at: Nullable(DateTime, 'When the waived step went through'),
  },
  Closed,
);

const ids = {
  delivery: '0190f0c2-7a10-7c3e-8d11-2b6f3c9a0d01',
  order: '0190f0c2-6a2e-7b61-9d8e-3f3a1f6f2a10',
  trip: '0190f0c2-7a0f-7e21-a4c5-5d0e9b1c7f02',
  store: '0190a3b1-1c00-7d2a-9f3e-7a6b5c4d3e03',
  driver: '0190a3b1-2d11-7a4b-8c5d-6e7f8a9b0c04',
  offer: '0190f0c2-7b20-7f32-b5d6-6e1f0c2d8a05',
};

const deliveryExample = {
  id: ids.delivery,
  order_id: ids.order,
  trip_id: ids.trip,
  store_id: ids.store,
  status: 'at_store',
  version: 3,
  driver_id: ids.driver,
  dropoff: { lat: 52.5301, lng: 13.4012, address: 'Invalidenstr. 12, 10115 Berlin' },
  items: 3,
  age_restricted: false,
  proof: 'pin_or_photo',
  pin_locked: false,
  order_ready: false,
  ready_estimate_at: '2026-12-06T18:20:00.000Z',
  promised_at: '2026-12-06T18:45:00.000Z',
  status_at: '2026-12-06T18:17:41.000Z',
  reason: null,
  proof_photo_ref: null,
  rating: null,
  steps: [
    { status: 'assigned', lat: null, lng: null, at: '2026-12-06T18:11:02.000Z', note: null },
    {
      status: 'at_store',
      lat: 52.5248,
      lng: 13.3921,
      at: '2026-12-06T18:17:41.000Z',
      note: null,
    },
  ],
};

export const Delivery = component(
  'Delivery',
  Type.Object(
    {
      id: Uuid,
      order_id: Uuid,
      trip_id: Uuid,
      store_id: Uuid,
      status: DeliveryStatus,
      version: Type.Integer({ description: 'Goes up with every change: higher is newer' }),
      driver_id: Nullable(Uuid, 'The assigned driver, if any'),
      dropoff: Type.Object({ lat: Lat, lng: Lng, address: Type.String() }, Closed),
      items: Type.Integer({ minimum: 0 }),
      age_restricted: Type.Boolean({ description: 'The handover needs an age check' }),
      proof: ProofPolicy,
      pin_locked: Type.Boolean({
        description:
          'Too many wrong PINs: the handover is refused (PIN_LOCKED) until ops unlocks it',
      }),
      order_ready: Type.Boolean({ description: 'The store has packed the order (pickup allowed)' }),
      ready_estimate_at: Type.String({
        format: 'date-time',
        description: 'When it should be packed',
      }),
      promised_at: Type.String({ format: 'date-time', description: 'Promised to the customer' }),
      status_at: Type.String({ format: 'date-time', description: 'When the status last changed' }),
      reason: Nullable(
        Type.String(),
        'Why it failed, was returned, canceled or taken from its driver',
      ),
      proof_photo_ref: Nullable(
        Type.String(),
        'The handover photo, when delivered without the PIN',
      ),
      rating: Nullable(
        Type.Integer({ minimum: 1, maximum: 5 }),
        "The customer's stars for the courier",
      ),
      steps: Type.Array(
        Type.Object(
          {
            status: stringEnum(STEP_KINDS, 'The status reached (`unassigned`: ops took it back)'),
            lat: Nullable(Lat),
            lng: Nullable(Lng),
            at: DateTime,
            note: Nullable(Type.String()),
          },
          Closed,
        ),
        { description: 'How it got here, oldest first, with where each step was taken' },
      ),
      pin: Type.Optional(
        Type.String({
          pattern: '^[0-9]{4}$',
          description: 'Only for the customer, who tells it to the courier at the door',
        }),
      ),
      overrides: Type.Optional(
        Type.Array(Override, {
          description: "Only for ops: ops' overrides of its safeguards, oldest first (the audit)",
        }),
      ),
    },
    {
      ...Closed,
      description: 'An order on its way from the store to the customer',
      examples: [deliveryExample],
    },
  ),
);

export const Trip = component(
  'Trip',
  Type.Object(
    {
      id: Uuid,
      status: TripStatus,
      status_at: DateTime,
      store_id: Uuid,
      pickup: Point,
      driver_id: Nullable(Uuid, 'The driver who took it, if any'),
      items: Type.Integer({ minimum: 0, description: 'Items still to carry' }),
      assigned_at: Nullable(DateTime),
      deliveries: Type.Array(ref(Delivery), {
        description: 'Its deliveries, earliest promise first',
      }),
    },
    {
      ...Closed,
      description: "A driver's job: one pickup at a store and one or more drop-offs",
      examples: [
        {
          id: ids.trip,
          status: 'assigned',
          status_at: '2026-12-06T18:11:02.000Z',
          store_id: ids.store,
          pickup: { lat: 52.5248, lng: 13.3921 },
          driver_id: ids.driver,
          items: 3,
          assigned_at: '2026-12-06T18:11:02.000Z',
          deliveries: [deliveryExample],
        },
      ],
    },
  ),
);

export const Offer = component(
  'Offer',
  Type.Object(
    { ...offerProperties(stringEnum), status: OfferStatus },
    {
      ...Closed,
      description: 'A trip offered to one driver, who accepts or declines it before it expires',
      examples: [
        {
          id: ids.offer,
          trip_id: ids.trip,
          status: 'open',
          store_id: ids.store,
          pickup: { lat: 52.5248, lng: 13.3921 },
          pickup_m: 850,
          radius_m: 3000,
          dropoffs: [
            {
              delivery_id: ids.delivery,
              order_id: ids.order,
              lat: 52.5301,
              lng: 13.4012,
              items: 3,
              proof: 'pin_or_photo',
            },
          ],
          pay: {
            currency: 'EUR',
            total_minor: 365,
            base_minor: 250,
            per_km_minor: 60,
            wait_free_s: 300,
            wait_per_min_minor: 15,
            deliveries: [
              {
                delivery_id: ids.delivery,
                pickup_m: 850,
                dropoff_m: 1065,
                base_minor: 250,
                distance_minor: 115,
                pay_minor: 365,
              },
            ],
          },
          created_at: '2026-12-06T18:10:40.000Z',
          expires_at: '2026-12-06T18:11:10.000Z',
          responded_at: null,
        },
      ],
    },
  ),
);

export const DispatchQueueEntry = component(
  'DispatchQueueEntry',
  Type.Object(
    {
      trip_id: Uuid,
      store_id: Uuid,
      status: TripStatus,
      deliveries: Type.Integer({ description: 'Deliveries on the trip' }),
      items: Type.Integer(),
      age_s: Type.Integer({ description: 'Seconds since the trip was planned' }),
      dispatch_at: Type.String({ format: 'date-time', description: 'When offering was to start' }),
      waiting_s: Type.Integer({ description: 'Seconds past its dispatch time without a driver' }),
      round: Type.Integer({ description: 'The search radius reached (0 = the first)' }),
      offers_made: Type.Integer(),
      priority: Type.Integer({ description: 'Raised by every escalation and reassignment' }),
      escalated_at: Nullable(DateTime),
    },
    { ...Closed, description: 'A trip waiting for a driver, as ops watches it' },
  ),
);

export const dispatchSchemas = [Delivery, Trip, Offer, DispatchQueueEntry];
