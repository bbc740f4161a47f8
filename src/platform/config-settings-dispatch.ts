import { Type } from '@sinclair/typebox';
import { list, named, oneOf, whole } from './config-schema.ts';

/** `scored` (batching, offers timed to preparation, weighted score) or `greedy` (the baseline: nearest driver, at once, no batching). */
export const DISPATCH_STRATEGIES = ['scored', 'greedy'] as const;
export type DispatchStrategyName = (typeof DISPATCH_STRATEGIES)[number];

/**
 * The dispatcher's settings: how long an offer stands, how often the dispatcher passes, where and
 * how many drivers it asks, how it scores them and how far it batches orders.
 */
export const DISPATCH_SETTINGS = {
  offerTtlS: whole({
    env: 'LASTMILE_OFFER_TTL_S',
    description: 'Seconds a driver has to accept a job offer',
    default: 30,
    minimum: 5,
    maximum: 600,
  }),
  dispatchTickMs: whole({
    env: 'LASTMILE_DISPATCH_TICK_MS',
    description: "Milliseconds between the dispatcher's passes over expired offers and due trips",
    default: 500,
    minimum: 50,
    maximum: 3_600_000,
  }),
  dispatchMatchWindowS: whole({
    env: 'LASTMILE_DISPATCH_MATCH_WINDOW_S',
    description:
      'Seconds ahead the scored dispatcher looks for trips falling due, to match them with drivers together rather than one at a time (0: only the trips due now)',
    default: 10,
    minimum: 0,
    maximum: 120,
  }),
  dispatchReplanGainS: whole({
    env: 'LASTMILE_DISPATCH_REPLAN_GAIN_S',
    description:
      'Seconds the scored dispatcher must win to take an accepted trip back from a driver still on the way to the store: the bags would wait at least this long for them, and a free driver would arrive at least this much sooner (once per trip; 0: never)',
    default: 180,
    minimum: 0,
    maximum: 3600,
  }),
  dispatchRadiiM: list(Type.Integer({ minimum: 100, maximum: 50_000 }), {
    env: 'LASTMILE_DISPATCH_RADII_M',
    description: 'Driver search radii around the store in metres, widened in this order',
    default: [3000, 6000, 10000],
    ascending: true,
  }),
  dispatchOffersPerRound: whole({
    env: 'LASTMILE_DISPATCH_OFFERS_PER_ROUND',
    description: 'Drivers offered one after the other before the radius widens',
    default: 3,
    minimum: 1,
    maximum: 20,
  }),
  // A value names the weights it changes (`vehicle=0.5`); the others keep their defaults. By default
  // the customer's minutes come first: a driver's refusals cost them an offer's wait, while fairness
  // among drivers (at most a minute of travel) and vehicle fit (a car for a small bag, at most half
  // a minute) only break near-ties. Heavier, they sent bikes on short trips past a nearer scooter
  // or car: in the simulated rush, short rides went slower than under the greedy baseline.
  dispatchWeights: named(
    {
      travel: Type.Number({ minimum: 0 }),
      acceptance: Type.Number({ minimum: 0 }),
      vehicle: Type.Number({ minimum: 0 }),
      fairness: Type.Number({ minimum: 0 }),
    },
    {
      env: 'LASTMILE_DISPATCH_WEIGHTS',
      description: 'Candidate score weights: travel, acceptance, vehicle, fairness',
      default: { travel: 1, acceptance: 0.5, vehicle: 0.05, fairness: 0.1 },
    },
  ),
  dispatchStrategy: oneOf(DISPATCH_STRATEGIES, {
    env: 'LASTMILE_DISPATCH_STRATEGY',
    description:
      'scored (batching, offers timed to preparation, weighted score) or greedy (the baseline: every order alone, offered at once to the nearest driver)',
    default: 'scored',
  }),
  batchMarginS: whole({
    env: 'LASTMILE_BATCH_MARGIN_S',
    description: 'Seconds a batched order may arrive later than it would alone',
    default: 180,
    minimum: 0,
    maximum: 3600,
  }),
};
