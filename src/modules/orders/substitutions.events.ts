import { type Static, Type } from '@sinclair/typebox';
import { defineEvent } from '../../platform/bus/declared-event.ts';
import { OneOf, Uuid } from '../../platform/contract/schemas.ts';

/** Event types of substitutes (payload version 1). */
export const SubstitutionEvents = {
  PROPOSED: 'orders.substitution_proposed',
  ANSWERED: 'orders.substitution_answered',
} as const;

/** A substitute proposal and its answer. */
const SubstitutionEventPayload = Type.Object({
  substitution_id: Uuid,
  order_id: Uuid,
  store_id: Uuid,
  customer_id: Uuid,
  product_id: Uuid,
  missing: Type.Integer({ minimum: 1, description: 'Units of the short line it replaces' }),
  substitute_product_id: Uuid,
  name: Type.String(),
  quantity: Type.Integer({ minimum: 1 }),
  unit_price_minor: Type.Integer({ minimum: 0 }),
  currency: Type.String({ minLength: 3, maxLength: 3 }),
  status: OneOf(['proposed', 'accepted', 'declined', 'expired']),
  answer_by: Type.String({ format: 'date-time' }),
});
export type SubstitutionEventPayload = Static<typeof SubstitutionEventPayload>;

export const SubstitutionEventDefs = {
  PROPOSED: defineEvent(SubstitutionEvents.PROPOSED, SubstitutionEventPayload, {
    description:
      'The store proposed a substitute for a short line; its stock is reserved until the customer answers.',
  }),
  ANSWERED: defineEvent(SubstitutionEvents.ANSWERED, SubstitutionEventPayload, {
    description:
      'The customer accepted or declined a substitute, or left it unanswered (expired: declined).',
  }),
};

export const substitutionEvents = Object.values(SubstitutionEventDefs);
