import { type Static, Type as T } from '@sinclair/typebox';
import type { SimConfig } from './config.ts';
import type { Plan } from './plan.ts';

// The shape of a recorded evening (evening.json), checked before a replay trusts a file. The
// types it derives are assigned to and from the plan's own (evening.ts), so the two cannot drift.

const Num = T.Number();
const NumOrNull = T.Union([T.Number(), T.Null()]);
const Whole = (minimum = 0) => T.Integer({ minimum });
const Share = T.Number({ minimum: 0, maximum: 1 });
const LatLngSchema = T.Object({
  lat: T.Number({ minimum: -90, maximum: 90 }),
  lng: T.Number({ minimum: -180, maximum: 180 }),
});

export const SimConfigSchema = T.Object({
  seed: Whole(),
  ordersPerHour: Whole(1),
  rushFactor: Num,
  normalMin: Num,
  rushMin: Num,
  afterMin: Num,
  drainMin: Num,
  stores: Whole(1),
  productsPerStore: Whole(1),
  customers: Whole(1),
  drivers: Whole(),
  center: LatLngSchema,
  cityRadiusM: Num,
  zoneRadiusM: Num,
  prepMeanS: Num,
  handoverS: Num,
  weather: T.Object({
    rainFromMin: Num,
    // Evenings recorded before forecasts had none: the rain was told as it fell (0).
    rainForecastMin: T.Optional(Num),
    rainMin: Num,
    rainSlowdown: T.Object({ bike: Num, scooter: Num, car: Num }),
    trafficPercent: Num,
  }),
  shares: T.Object({
    decline: Share,
    insufficient: Share,
    slowCard: Share,
    netfail: Share,
    payAgain: Share,
    retry: Share,
    cancel: Share,
    storeReject: Share,
    missingItem: Share,
    driverDecline: Share,
  }),
});

const VisitSchema = T.Object({
  index: Whole(),
  atS: T.Number({ minimum: 0 }),
  phase: T.String(),
  customer: Whole(),
  home: LatLngSchema,
  address: T.String(),
  storeRank: Whole(),
  items: T.Array(T.Object({ product: Whole(), quantity: Whole(1) }), { minItems: 1 }),
  card: T.Union([
    T.Literal('tok_visa'),
    T.Literal('tok_decline'),
    T.Literal('tok_insufficient'),
    T.Literal('tok_slow'),
    T.Literal('tok_netfail'),
  ]),
  retry: T.Boolean(),
  cancelAfterS: NumOrNull,
  storeAcceptAfterS: Num,
  storeRejects: T.Boolean(),
  missingItem: T.Boolean(),
  prepS: Num,
  handoverS: Num,
  payAgainAfterS: NumOrNull,
});

const DriverSchema = T.Object({
  index: Whole(),
  vehicle: T.Union([T.Literal('bike'), T.Literal('scooter'), T.Literal('car')]),
  start: LatLngSchema,
  declineShare: Share,
  answerAfterS: T.Tuple([Num, Num]),
  onShiftAfterS: T.Number({ minimum: 0 }),
});

export const PlanSchema = T.Object({
  stores: T.Array(
    T.Object({ index: Whole(), name: T.String(), at: LatLngSchema, prepMeanS: Num }),
    { minItems: 1 },
  ),
  products: T.Array(
    T.Object({ sku: T.String(), name: T.String(), priceMinor: Whole(), weight: Num }),
    { minItems: 1 },
  ),
  stock: T.Array(T.Array(Whole())),
  visits: T.Array(VisitSchema),
  drivers: T.Array(DriverSchema, { minItems: 1 }),
  durationS: T.Number({ minimum: 0 }),
});

export const StreetsSourceSchema = T.Object({
  /** The city whose generated network the couriers drove (`lastmile places import --city`). */
  city: T.String(),
  /** The discs the network was cut to, around the evening's centre. */
  region: T.Array(T.Object({ lat: Num, lng: Num, radiusM: Num })),
  /** SHA-256 of the streets document the instances imported (streets.geojson). */
  sha256: T.String({ pattern: '^[0-9a-f]{64}$' }),
});

/** Everything after `format` and `version`, which are checked first for a clearer refusal. */
export const EveningBodySchema = T.Object({
  run: T.String(),
  recorded_at: T.String(),
  config: SimConfigSchema,
  streets: StreetsSourceSchema,
  plan: PlanSchema,
});

export type StreetsSource = Static<typeof StreetsSourceSchema>;
export type EveningBody = Static<typeof EveningBodySchema>;

// Both directions: a plan fits the schema, and what the schema admits is a plan.
const _planFits = (p: Plan): Static<typeof PlanSchema> => p;
const _schemaIsPlan = (p: Static<typeof PlanSchema>): Plan => p;
const _configFits = (c: SimConfig): Static<typeof SimConfigSchema> => c;
const _schemaIsConfig = (c: Static<typeof SimConfigSchema>): SimConfig => c;
