import { Type } from '@sinclair/typebox';
import { defineEvent } from '../../platform/bus/declared-event.ts';
import { Uuid } from '../../platform/contract/schemas.ts';

/** Event types the identity module emits (payload version 1). */
export const IdentityEvents = {
  SIGN_IN_LOCKED: 'identity.sign_in_locked',
  ACCOUNT_ERASED: 'identity.account_erased',
} as const;

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
  ACCOUNT_ERASED: defineEvent(
    IdentityEvents.ACCOUNT_ERASED,
    Type.Object({
      user_id: Uuid,
      role: Type.String({ description: 'The role the account had' }),
      driver_id: Type.Union([Uuid, Type.Null()]),
      erased_at: Type.String({ format: 'date-time' }),
    }),
    {
      description:
        "An account was erased at its owner's or ops' request: every module erased its personal " +
        'fields in the same transaction; a consumer that copied any (a partner, a cache) forgets them.',
    },
  ),
};

export const identityEvents = Object.values(IdentityEventDefs);
