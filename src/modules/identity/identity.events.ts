import { Type } from '@sinclair/typebox';
import { defineEvent } from '../../platform/bus/declared-event.ts';
import { Uuid } from '../../platform/contract/schemas.ts';

export const IdentityEventDefs = {
  SIGN_IN_LOCKED: defineEvent(
    'identity.sign_in_locked',
    Type.Object({
      user_id: Uuid,
      failures: Type.Integer({ minimum: 1, description: 'Failed sign-ins in a row' }),
      locked_until: Type.String({ format: 'date-time' }),
    }),
    {
      description:
        "Repeated wrong passwords locked an account's sign-in for a while; its owner is told.",
    },
  ),
};

export const identityEvents = Object.values(IdentityEventDefs);
