import type { DispatchStrategyName, DispatchWeights } from '../../platform/config.ts';
import { type Candidate, type Job, rankCandidates, rankNearest, type Scored } from './scoring.ts';

/**
 * The decisions in which dispatch strategies differ (LASTMILE_DISPATCH_STRATEGY). Everything else
 * is the dispatcher's and shared by all of them: one offer at a time with the same expiry,
 * declines and timeouts moving on, radius widening, escalation to ops and the atomic accept.
 */
export interface DispatchStrategy {
  name: DispatchStrategyName;
  /** A new order may join an open trip of its store (when the batching rule allows). */
  batches: boolean;
  /** A new trip waits to be offered until a driver would reach the store as the order gets ready; else at once. */
  timedToPreparation: boolean;
  /** The trips due together (and within the look-ahead window) get their drivers by matching. */
  matches: boolean;
  /** The candidates that can take the job, in the order they are offered. */
  rank(cs: readonly Candidate[], job: Job): Scored[];
}

/** `weights` is read at each ranking: ops may change them while dispatch runs. */
export function dispatchStrategy(settings: {
  strategy: DispatchStrategyName;
  weights: () => DispatchWeights;
}): DispatchStrategy {
  switch (settings.strategy) {
    case 'scored':
      return {
        name: 'scored',
        batches: true,
        timedToPreparation: true,
        matches: true,
        rank: (cs, job) => rankCandidates(cs, job, settings.weights()),
      };
    case 'greedy':
      // The classic baseline a dispatch team compares against.
      return {
        name: 'greedy',
        batches: false,
        timedToPreparation: false,
        matches: false,
        rank: rankNearest,
      };
  }
}
