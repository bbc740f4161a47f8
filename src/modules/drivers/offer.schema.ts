import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { DateTime, Nullable, OneOf, Uuid } from '../../platform/contract/schemas.ts';

/**
 * What a driver's app sees of an offer, in one shape: `GET /v1/dispatch/offers` (the REST `Offer`,
 * which dispatch names and fills) and the driver channel's `offer` push. It lives with the channel,
 * which dispatch depends on; dispatch's statuses and proof policies are read from here.
 */

/** An offer of a trip to one driver, open until answered, expired, or withdrawn. */
export const OFFER_STATUSES = ['open', 'accepted', 'declined', 'expired', 'withdrawn'] as const;
export type OfferStatus = (typeof OFFER_STATUSES)[number];

/**
 * What a handover needs: the customer's PIN, a photo of the bag at the door, or either. Decided
 * when the delivery is planned (dispatch's delivery-planner.ts): the PIN for age-restricted items
 * and large totals.
 */
export const PROOF_POLICIES = ['pin', 'photo', 'pin_or_photo'] as const;
export type ProofPolicy = (typeof PROOF_POLICIES)[number];

const Closed = { additionalProperties: false } as const;
const Lat = Type.Number({ minimum: -90, maximum: 90 });
const Lng = Type.Number({ minimum: -180, maximum: 180 });
const Minor = (description: string) => Type.Integer({ minimum: 0, description });

export const PROOF_TEXT =
  "What the handover needs: the customer's PIN, a photo reference, or either. `pin` for age-restricted items and totals above LASTMILE_PIN_REQUIRED_ABOVE_MINOR";

/**
 * How a list of strings is declared: `enum` in the OpenAPI document (`stringEnum`), literal
 * unions for the compiled checks of socket messages (`OneOf`).
 */
export type EnumOf = (values: readonly string[], description: string) => TSchema;

export const OfferPaySchema = Type.Object(
  {
    currency: Type.String({
      pattern: '^[A-Z]{3}$',
      description: 'ISO 4217; amounts in its minor units',
    }),
    total_minor: Minor('What the trip pays before waiting: the sum of its deliveries'),
    base_minor: Minor('Paid per delivery'),
    per_km_minor: Minor('Paid per kilometre of the way to the store and on to each drop-off'),
    wait_free_s: Type.Integer({
      minimum: 0,
      description: 'Seconds at the store (arrived to picked up) not paid as waiting',
    }),
    wait_per_min_minor: Minor(
      "Paid per whole minute of waiting past `wait_free_s`, shared by the trip's deliveries, added when each ends",
    ),
    deliveries: Type.Array(
      Type.Object(
        {
          delivery_id: Uuid,
          pickup_m: Type.Integer({
            minimum: 0,
            description: "This delivery's share of the way to the store (straight line)",
          }),
          dropoff_m: Type.Integer({
            minimum: 0,
            description: 'From the store, or the previous drop-off, to this one (straight line)',
          }),
          base_minor: Minor('The base'),
          distance_minor: Minor('For pickup_m + dropoff_m'),
          pay_minor: Minor('base_minor + distance_minor'),
        },
        Closed,
      ),
    ),
  },
  {
    ...Closed,
    description:
      'What the driver earns, fixed when the offer is made: per delivery the base and the distance; waiting at the store is added when each delivery ends. Delivered, failed and returned deliveries pay in full; a canceled one pays nothing',
  },
);
export type OfferPayView = Static<typeof OfferPaySchema>;

/** The properties of an offer; `status` is described where the REST component is named. */
export const offerProperties = (enumOf: EnumOf) => ({
  id: Uuid,
  trip_id: Uuid,
  status: enumOf(OFFER_STATUSES, 'Where the offer is'),
  store_id: Uuid,
  pickup: Type.Object({ lat: Lat, lng: Lng }, Closed),
  pickup_m: Type.Integer({ description: 'How far the driver was from the store when offered' }),
  radius_m: Type.Integer({ description: 'The search radius it was offered in' }),
  dropoffs: Type.Array(
    Type.Object(
      {
        delivery_id: Uuid,
        order_id: Uuid,
        lat: Lat,
        lng: Lng,
        items: Type.Integer(),
        proof: enumOf(PROOF_POLICIES, PROOF_TEXT),
      },
      Closed,
    ),
    { description: "The trip's drop-offs, each with its delivery and order" },
  ),
  pay: Nullable(OfferPaySchema),
  created_at: DateTime,
  expires_at: Type.String({ format: 'date-time', description: 'Accept before this' }),
  responded_at: Nullable(DateTime),
});

/** The offer as the channel pushes it: string lists as literal unions, which the checks compile. */
export const OfferShape = Type.Object(offerProperties(OneOf), {
  ...Closed,
  description: 'A trip offered to one driver, who accepts or declines it before it expires',
});

/** An offer as the driver's app gets it, on REST and on the channel. */
export interface OfferView {
  id: string;
  trip_id: string;
  status: OfferStatus;
  store_id: string;
  pickup: { lat: number; lng: number };
  pickup_m: number;
  radius_m: number;
  dropoffs: Array<{
    delivery_id: string;
    order_id: string;
    lat: number;
    lng: number;
    items: number;
    proof: ProofPolicy;
  }>;
  pay: OfferPayView | null;
  created_at: string;
  expires_at: string;
  responded_at: string | null;
}
