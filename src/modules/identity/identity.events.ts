import { Type } from '@sinclair/typebox';
import { defineEvent } from '../../platform/bus/declared-event.ts';
import { Uuid } from '../../platform/contract/schemas.ts';

/** Event types the identity module emits (payload version 1). */
export const IdentityEvents = { SIGN_IN_LOCKED: 'identity.sign_in_locked' } as const;

export const IdentityEventDefs = {
  SIGN_IN_LOCKED: defineEvent(
    IdentityEvents.SIGN_IN_LOCKED,
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
