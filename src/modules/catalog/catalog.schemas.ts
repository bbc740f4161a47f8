import { Type } from '@sinclair/typebox';
import { AuditReason } from '../../platform/http/audit-act.ts';
import { Strict } from '../../platform/http/typed.ts';

/** The optional `reason` of an ops write that store staff may also make (ops' is audited). */
export const OpsReason = Type.Optional(AuditReason);

export const Lat = Type.Number({ minimum: -90, maximum: 90 });
export const Lng = Type.Number({ minimum: -180, maximum: 180 });
const Time = Type.String({ pattern: '^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$' });
const Intervals = Type.Array(Type.Tuple([Time, Time]), { maxItems: 6 });

export const OpeningHoursSchema = Strict(
  {
    mon: Type.Optional(Intervals),
    tue: Type.Optional(Intervals),
    wed: Type.Optional(Intervals),
    thu: Type.Optional(Intervals),
    fri: Type.Optional(Intervals),
    sat: Type.Optional(Intervals),
    sun: Type.Optional(Intervals),
  },
  'Local opening hours per weekday: [["08:00","23:00"]]; a missing day is closed',
);

export const ZoneSchema = Strict({
  radius_m: Type.Integer({
    minimum: 100,
    maximum: 50_000,
    description: 'Delivery radius around the store',
  }),
  polygon: Type.Optional(
    Type.Union([
      Type.Null(),
      Type.Array(Type.Tuple([Lat, Lng]), {
        minItems: 3,
        maxItems: 500,
        description: '[[lat,lng],…] narrowing the radius',
      }),
    ]),
  ),
});

export const StoreBody = Strict({
  name: Type.String({ minLength: 1, maxLength: 120 }),
  address: Type.Optional(Type.String({ maxLength: 300 })),
  lat: Lat,
  lng: Lng,
  zone: ZoneSchema,
  timezone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  opening_hours: OpeningHoursSchema,
  avg_prep_s: Type.Optional(Type.Integer({ minimum: 0, maximum: 7200 })),
  reason: OpsReason,
});

export const StorePatch = Strict({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
  address: Type.Optional(Type.String({ maxLength: 300 })),
  lat: Type.Optional(Lat),
  lng: Type.Optional(Lng),
  zone: Type.Optional(ZoneSchema),
  timezone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  opening_hours: Type.Optional(OpeningHoursSchema),
  avg_prep_s: Type.Optional(Type.Integer({ minimum: 0, maximum: 7200 })),
  // version is an int column: a larger number would be refused by Postgres (500) instead of a 409.
  expected_version: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 2 ** 31 - 1,
      description: 'Fail with 409 if the store changed since',
    }),
  ),
  reason: OpsReason,
});

export const Sku = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._-]+$' });
export const Currency = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code' });
export const CategoryId = Type.String({ pattern: '^[a-z0-9-]{1,60}$' });

export const ProductBody = Strict({
  sku: Sku,
  name: Type.String({ minLength: 1, maxLength: 200 }),
  brand: Type.Optional(Type.String({ maxLength: 100 })),
  category_id: CategoryId,
  price_minor: Type.Integer({
    minimum: 0,
    maximum: 100_000_000,
    description: 'Price in minor units (cents)',
  }),
  currency: Currency,
  image_url: Type.Optional(
    Type.Union([Type.Null(), Type.String({ format: 'uri', maxLength: 1000 })]),
  ),
  weight_g: Type.Optional(
    Type.Union([Type.Null(), Type.Integer({ minimum: 0, maximum: 1_000_000 })]),
  ),
  age_restricted: Type.Optional(Type.Boolean()),
  popularity: Type.Optional(Type.Number({ minimum: 0, maximum: 1e6 })),
  reason: OpsReason,
});

export const ProductPatch = Type.Partial(Type.Omit(ProductBody, ['sku']), {
  additionalProperties: false,
});

/**
 * `cursor` of every list: the previous page's `next_cursor`, as it came. Long enough for a shelf
 * cursor, which holds a product name of up to 200 characters of any script.
 */
export const Cursor = Type.String({
  minLength: 1,
  maxLength: 2000,
  description: 'The `next_cursor` of the previous page; leave out for the first page',
});
