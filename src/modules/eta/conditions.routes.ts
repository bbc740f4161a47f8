import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { DateTime, Nullable, OneOf } from '../../platform/contract/schemas.ts';
import { component, ok, ref } from '../../platform/http/contract.ts';
import { Strict, typed } from '../../platform/http/typed.ts';
import { CONDITION_KINDS, WEATHER_SLOWDOWN } from './conditions.ts';
import type { ConditionsService } from './conditions.service.ts';
import { ZONE_RES } from './eta-model.ts';

const Kind = OneOf(
  CONDITION_KINDS,
  '`traffic` (its `factor` multiplies travel time) or a weather (rain, heavy_rain, snow: lastmile slows each vehicle by its own learned factor)',
);
const Zone = Type.String({
  pattern: '^[0-9a-f]{15}$',
  description: `The zone: an H3 cell of resolution ${ZONE_RES}; left out or null: the whole city`,
});
const Factor = Type.Number({
  minimum: 0.5,
  maximum: 5,
  description: 'Traffic only: travel time in the zone is multiplied by this (1.4: 40 % longer)',
});

const slowdowns = Object.entries(WEATHER_SLOWDOWN)
  .map(([k, v]) => `${k}: bike ×${v.bike}, scooter ×${v.scooter}, car ×${v.car}`)
  .join('; ');

export const ConditionSchema = component(
  'Condition',
  Strict(
    {
      source: Type.String({ description: 'The feed that reported it' }),
      kind: Kind,
      zone: Nullable(Zone),
      starts_at: DateTime,
      ends_at: DateTime,
      factor: Nullable(Factor),
    },
    'Traffic or weather in a zone (or the whole city) from `starts_at` until `ends_at`, its expiry',
  ),
);

export const ConditionList = component(
  'ConditionList',
  Strict({ items: Type.Array(ref(ConditionSchema)) }, 'Conditions, the soonest to start first'),
);

export const conditionsSchemas = [ConditionSchema, ConditionList];

const ConditionInput = Strict({
  kind: Kind,
  zone: Type.Optional(Nullable(Zone)),
  starts_at: DateTime,
  ends_at: DateTime,
  factor: Type.Optional(Nullable(Factor)),
});

const Source = Type.String({
  pattern: '^[a-z0-9][a-z0-9_.-]{0,39}$',
  description: 'Which feed this is: its picture replaces only its own',
});

/**
 * The conditions feed (ops only): a traffic or weather service puts its whole picture, which the
 * ETA and dispatch read within seconds; ops read what holds now and later.
 */
export async function conditionsRoutes(
  scope: FastifyInstance,
  service: ConditionsService,
): Promise<void> {
  const app = typed(scope);
  app.put(
    '/v1/ops/conditions',
    {
      config: { auth: ['ops'] },
      schema: {
        tags: ['ops'],
        summary: "Replace a feed's traffic and weather",
        description: `A traffic or weather service puts its whole picture: it replaces every condition the same \`source\` put before. Send the last hours too: learning reads what held while a ride ran, so a slow ride in the rain is not learned as a slow street (conditions that ended more than 6 h ago are not kept). Where several hold at once, the largest slowdown counts. Checkout promises, live ETAs and dispatch read them within about 5 s. Weather slows each vehicle by a factor lastmile learns from its delivered rides in that weather, starting from a rule of thumb (${slowdowns}), and widens the promised window by the doubt it adds (less as the rides teach it).`,
        body: Strict({
          source: Source,
          conditions: Type.Array(ConditionInput, { maxItems: 5000 }),
        }),
        response: { 200: ok(ref(ConditionList), "The feed's picture as kept") },
      },
    },
    async (req) => ({ items: await service.replace(req.body.source, req.body.conditions) }),
  );
  app.get(
    '/v1/ops/conditions',
    {
      config: { auth: ['ops'] },
      schema: {
        tags: ['ops'],
        summary: 'Traffic and weather that hold now or later',
        response: { 200: ok(ref(ConditionList), "Every feed's conditions not yet ended") },
      },
    },
    async () => ({ items: await service.upcoming() }),
  );
}
