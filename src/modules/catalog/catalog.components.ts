import { type TSchema, Type } from '@sinclair/typebox';
import { component, ref, stringEnum } from '../../platform/http/contract.ts';
import { Uuid } from '../../platform/http/typed.ts';
import { STORE_STATUSES } from './catalog-tables.ts';
import { CategoryId, Currency, Lat, Lng, OpeningHoursSchema, Sku } from './catalog.schemas.ts';
import { STORE_ACTIONS } from './store-edits.service.ts';

/** The catalog's API shapes (named components of the OpenAPI document). */

const closed = { additionalProperties: false } as const;
const Nullable = (t: TSchema) => Type.Union([t, Type.Null()]);

const StoreStatus = stringEnum(
  STORE_STATUSES,
  `A new store is open. Staff or ops move it with ${Object.entries(STORE_ACTIONS)
    .map(([action, to]) => `POST /v1/stores/{id}/${action} → ${to}`)
    .join(', ')}, from any status. Only an open store within its opening hours takes orders.`,
);

export const Product = component(
  'Product',
  Type.Object(
    {
      id: Uuid,
      sku: Sku,
      name: Type.String(),
      brand: Type.String({ description: 'Empty when unknown' }),
      category_id: CategoryId,
      price: Type.Object(
        {
          amount_minor: Type.Integer({ description: 'In minor units (cents)' }),
          currency: Currency,
        },
        closed,
      ),
      image_url: Nullable(Type.String()),
      weight_g: Nullable(Type.Integer()),
      age_restricted: Type.Boolean({ description: 'Checkout asks for proof of age' }),
      version: Type.Integer({ description: 'Goes up by one with every change' }),
    },
    {
      ...closed,
      description: 'A product of the catalog, the same in every store',
      examples: [
        {
          id: '0190f0c2-6a2e-7b61-9d8e-3f3a1f6f2a11',
          sku: 'MILK-1',
          name: 'Oat milk 1 l',
          brand: 'Farm',
          category_id: 'milk',
          price: { amount_minor: 199, currency: 'EUR' },
          image_url: null,
          weight_g: 1030,
          age_restricted: false,
          version: 1,
        },
      ],
    },
  ),
);

export const StoreProduct = component(
  'StoreProduct',
  Type.Object(
    {
      product: ref(Product),
      available: Type.Integer({ minimum: 1, description: 'Units that can be ordered now' }),
    },
    { ...closed, description: 'A product on a store’s shelf, with the units available now' },
  ),
);

export const ShelfItem = component(
  'ShelfItem',
  Type.Object(
    {
      product: ref(Product),
      available: Type.Integer({
        minimum: 0,
        description: 'Units that can be ordered now at the store (0: sold out there for now)',
      }),
    },
    { ...closed, description: 'One product at one store, sold out or not' },
  ),
);

export const Category = component(
  'Category',
  Type.Object(
    {
      id: CategoryId,
      parent_id: Nullable(CategoryId),
      name: Type.String(),
      path: Type.Array(CategoryId, { description: 'Ids from the root down to this category' }),
    },
    {
      ...closed,
      description: 'A node of the category tree',
      examples: [{ id: 'milk', parent_id: 'dairy', name: 'Milk', path: ['dairy', 'milk'] }],
    },
  ),
);

const STORE_EXAMPLE = {
  id: '0190f0c2-6a2e-7b61-9d8e-3f3a1f6f2a12',
  name: 'Mitte',
  address: 'Torstraße 1, Berlin',
  lat: 52.529,
  lng: 13.401,
  zone: { radius_m: 3000, polygon: null },
  timezone: 'Europe/Berlin',
  opening_hours: { mon: [['08:00', '23:00']], sat: [['09:00', '22:00']] },
  status: 'open',
  avg_prep_s: 300,
  version: 3,
};

export const Store = component(
  'Store',
  Type.Object(
    {
      id: Uuid,
      name: Type.String(),
      address: Type.String({ description: 'Empty when not given' }),
      lat: Lat,
      lng: Lng,
      zone: Type.Object(
        {
          radius_m: Type.Integer({ description: 'Delivery radius around the store' }),
          polygon: Nullable(
            Type.Array(Type.Tuple([Lat, Lng]), { description: '[[lat,lng],…] narrowing it' }),
          ),
        },
        { ...closed, description: 'Where the store delivers' },
      ),
      timezone: Type.String({ description: 'IANA time zone of the opening hours' }),
      opening_hours: OpeningHoursSchema,
      status: StoreStatus,
      avg_prep_s: Type.Integer({ description: 'Usual seconds to prepare an order' }),
      version: Type.Integer({ description: 'Send as expected_version to change it safely' }),
    },
    { ...closed, description: 'A store and its delivery zone', examples: [STORE_EXAMPLE] },
  ),
);

export const NearbyStore = component(
  'NearbyStore',
  Type.Object(
    {
      id: Uuid,
      name: Type.String(),
      address: Type.String(),
      lat: Lat,
      lng: Lng,
      distance_m: Type.Integer({ description: 'Straight-line metres from the asked point' }),
      eta_minutes: Type.Integer({ description: 'Estimated minutes to the door if ordered now' }),
      avg_prep_minutes: Type.Integer({ description: 'Usual minutes to prepare an order' }),
    },
    {
      ...closed,
      description: 'A store that delivers to the asked point and is open now',
      examples: [
        {
          id: STORE_EXAMPLE.id,
          name: 'Mitte',
          address: 'Torstraße 1, Berlin',
          lat: 52.529,
          lng: 13.401,
          distance_m: 1020,
          eta_minutes: 11,
          avg_prep_minutes: 5,
        },
      ],
    },
  ),
);

export const SearchHit = component(
  'SearchHit',
  Type.Object(
    {
      product: ref(Product),
      score: Type.Number({ description: 'How close the text matched, 0 to 1 (higher is closer)' }),
      available: Type.Integer({ minimum: 1, description: 'Units available at `store`' }),
      store: ref(NearbyStore),
    },
    { ...closed, description: 'A product matching the text, with the best store to order it' },
  ),
);

export const StaffAccount = component(
  'StaffAccount',
  Type.Object(
    {
      id: Uuid,
      email: Type.String(),
      name: Type.String(),
      store_id: Uuid,
    },
    { ...closed, description: 'An account that signs in with the store role, bound to one store' },
  ),
);

export const ImportResult = component(
  'ImportResult',
  Type.Object(
    {
      rows: Type.Integer({
        description: 'Data rows read (blank lines and the CSV header not counted)',
      }),
      applied: Type.Integer({ description: 'Rows written (or already as the file says)' }),
      failed: Type.Integer({
        description: 'Rows refused, each with one entry in errors (up to the first 1000)',
      }),
      errors: Type.Array(
        Type.Object(
          {
            line: Type.Integer({
              description:
                '1-based line of the file where the row starts (the CSV header is line 1)',
            }),
            message: Type.String(),
            field: Type.Optional(Type.String()),
          },
          closed,
        ),
      ),
    },
    {
      ...closed,
      description: 'What the import did; a refused row changed nothing',
      examples: [
        {
          rows: 3,
          applied: 2,
          failed: 1,
          errors: [{ line: 3, field: 'price_minor', message: 'price_minor: must be >= 0' }],
        },
      ],
    },
  ),
);

export const catalogSchemas = [
  Product,
  StoreProduct,
  ShelfItem,
  Category,
  Store,
  NearbyStore,
  SearchHit,
  StaffAccount,
  ImportResult,
];
