import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { perPlatform } from '../../platform/context.ts';
import type { ModuleDefinition } from '../../platform/module.ts';
import { runPeriodically } from '../../platform/periodic.ts';
import { driversFor } from '../drivers/index.ts';
import { conditionsRoutes, conditionsSchemas } from './conditions.routes.ts';
import { type EtaService, etaService } from './eta.service.ts';
import { routingOf } from './routing.ts';

export {
  distanceM,
  type Eta,
  estimateArrival,
  HANDOVER_S,
  type LatLng,
  naiveArrival,
  type Phase,
  PLANNING_SPEED_MPS,
  travelS,
  travelSeconds,
  worthPushing,
} from './eta-math.ts';
export {
  type Condition,
  type ConditionKind,
  type Conditions,
  conditionsOf,
  type Traveller,
  WEATHER_SLOWDOWN,
} from './conditions.ts';
export type { CheckoutEta, CheckoutParts } from './eta-model.ts';
export type { Learned } from './eta-learning.ts';
export { zoneOf, ZONE_RES } from './eta-model.ts';
export { paceOf, PLANNING_PACE, type TravelPace, type TravelTimes } from './travel-times.ts';
export { completedParts, type Timeline, type TimelinePart } from './eta-timeline.ts';
export type { EtaRequest, EtaService, TimelineSample } from './eta.service.ts';

export const etaFor = perPlatform((ctx): EtaService =>
  etaService({ db: ctx.db, clock: ctx.clock, routing: routingOf(ctx) }),
);

const LEARN_EVERY_MS = 5 * 60_000;

/**
 * Arrival estimates: the parts of a delivery (accept, preparation, pickup lag, ride, handover)
 * and the checkout ETA's error learned per store or zone and hour from the orders' timelines;
 * travel speeds per vehicle and hour from the location history; travel times from the provider
 * (the straight line, or a routing service); traffic and weather from the conditions feed, the
 * weather's slowdown per vehicle learned from the rides it slowed.
 */
export const etaModule: ModuleDefinition = {
  name: 'eta',
  dependsOn: ['drivers'],
  migrationsDir: path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations'),
  schemas: conditionsSchemas,
  // The conditions feed: traffic and weather services put their picture, ops read it.
  routes: (app, ctx) => conditionsRoutes(app, etaFor(ctx).conditions),
  // Every five minutes the last five minutes of location history teach the travel speeds.
  startWorker: async (ctx) =>
    runPeriodically(
      'travel speed learning',
      LEARN_EVERY_MS,
      async () =>
        etaFor(ctx).learnSpeeds(
          await driversFor(ctx).service.historySince(
            new Date(ctx.clock.now() - LEARN_EVERY_MS),
            200_000,
          ),
        ),
      ctx.logger,
    ),
};
