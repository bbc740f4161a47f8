import { Type } from '@sinclair/typebox';
import { OPS_LEVELS, USER_ROLES } from '../../platform/auth/principal.ts';
import { component, stringEnum } from '../../platform/http/contract.ts';
import { Uuid } from '../../platform/http/typed.ts';

/** The identity module's API shapes (named components of the OpenAPI document). */

const Role = stringEnum(USER_ROLES, 'What the account may do');
const NullableUuid = Type.Union([Uuid, Type.Null()]);
const OpsLevel = Type.Optional(
  stringEnum(
    OPS_LEVELS,
    'Ops accounts only: an agent views, reassigns, retries and replays; an admin may also change settings, erase accounts and refund above the ops limit',
  ),
);

export const Session = component(
  'Session',
  Type.Object(
    {
      access_token: Type.String({ description: 'Send as `Authorization: Bearer <access_token>`' }),
      token_type: Type.Literal('Bearer'),
      expires_in: Type.Integer({ description: 'Seconds the token stays valid' }),
      user: Type.Object(
        { id: Uuid, email: Type.String(), name: Type.String(), role: Role, ops_level: OpsLevel },
        { additionalProperties: false },
      ),
    },
    { additionalProperties: false, description: 'A bearer token for the signed-in account' },
  ),
);

export const Me = component(
  'Me',
  Type.Union(
    [
      Type.Object(
        {
          id: Uuid,
          email: Type.String(),
          name: Type.String(),
          role: Role,
          store_id: NullableUuid,
          driver_id: NullableUuid,
          ops_level: OpsLevel,
        },
        { additionalProperties: false, title: 'Account' },
      ),
      Type.Object(
        { id: Uuid, role: Type.Literal('partner'), kind: Type.Literal('partner') },
        { additionalProperties: false, title: 'Partner' },
      ),
    ],
    { description: 'The caller: a user account, or a partner calling with an API key' },
  ),
);

export const ApiKey = component(
  'ApiKey',
  Type.Object(
    {
      id: Uuid,
      prefix: Type.String({ description: 'The visible start of the key, to tell keys apart' }),
      partner_name: Type.String(),
      created_at: Type.String({ format: 'date-time' }),
      last_used_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
      revoked_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    },
    { additionalProperties: false, description: 'A partner API key (never the key itself)' },
  ),
);

export const NewApiKey = component(
  'NewApiKey',
  Type.Object(
    {
      id: Uuid,
      key: Type.String({ description: 'Send as `X-Api-Key`; shown only in this answer' }),
      prefix: Type.String(),
      partner_name: Type.String(),
    },
    { additionalProperties: false },
  ),
);

export const identitySchemas = [Session, Me, ApiKey, NewApiKey];
