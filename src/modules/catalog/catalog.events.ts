import { type Static, Type } from '@sinclair/typebox';
import { defineEvent } from '../../platform/bus/declared-event.ts';
import { OneOf, Uuid } from '../../platform/contract/schemas.ts';

/** Event types the catalog emits (payload version 1). */
export const CatalogEvents = {
  STORE_CHANGED: 'catalog.store_changed',
  PRODUCT_CHANGED: 'catalog.product_changed',
} as const;

const StoreChangedPayload = Type.Object({
  store_id: Uuid,
  version: Type.Integer({ minimum: 1, description: "The store row's version after this change" }),
  status: OneOf(['open', 'paused', 'closed']),
  change: OneOf(['created', 'updated', 'zone', 'status'], 'What changed'),
});
export type StoreChangedPayload = Static<typeof StoreChangedPayload>;

const ProductChangedPayload = Type.Object({
  product_id: Uuid,
  sku: Type.String(),
  version: Type.Integer({ minimum: 1, description: "The product row's version after this change" }),
  price_minor: Type.Integer({ minimum: 0 }),
  currency: Type.String({ minLength: 3, maxLength: 3 }),
});
export type ProductChangedPayload = Static<typeof ProductChangedPayload>;

export const CatalogEventDefs = {
  STORE_CHANGED: defineEvent(CatalogEvents.STORE_CHANGED, StoreChangedPayload, {
    description: 'A store was created, edited, given a new zone or opened, paused or closed.',
  }),
  PRODUCT_CHANGED: defineEvent(CatalogEvents.PRODUCT_CHANGED, ProductChangedPayload, {
    description: 'A product was created, edited or repriced, by hand or by an import.',
  }),
};

export const catalogEvents = Object.values(CatalogEventDefs);
