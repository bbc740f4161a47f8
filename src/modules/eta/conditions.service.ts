import { getResolution, isValidCell } from 'h3-js';
import { createCache } from '../../platform/cache/cache.ts';
import type { Clock } from '../../platform/context.ts';
import type { Db } from '../../platform/db/pool.ts';
import { AppError } from '../../platform/errors.ts';
import { type Condition, type ConditionKind, type Conditions, conditionsOf } from './conditions.ts';
import { conditionsRepository, type StoredCondition } from './conditions.repository.ts';
import type { Learned } from './eta-learning.ts';
import { ZONE_RES } from './eta-model.ts';
import { slowdownOf } from './weather-slowdown.ts';

/** Conditions are kept this long after they ended: rides learned late still find what held. */
export const KEEP_ENDED_MS = 6 * 3_600_000;
/** A forecast further ahead than this is refused. */
const AHEAD_MAX_MS = 7 * 86_400_000;
/** Every process reloads the conditions in the background after this, when read steadily. */
const REFRESH_MS = 5_000;
const CACHE_MS = 30_000;

/** One condition as a feed sends it and ops read it. */
export interface ConditionInput {
  kind: ConditionKind;
  zone?: string | null;
  starts_at: string;
  ends_at: string;
  factor?: number | null;
}

export interface ConditionView {
  source: string;
  kind: ConditionKind;
  zone: string | null;
  starts_at: string;
  ends_at: string;
  factor: number | null;
}

const viewOf = (c: StoredCondition): ConditionView => ({
  source: c.source,
  kind: c.kind,
  zone: c.zone,
  starts_at: new Date(c.from).toISOString(),
  ends_at: new Date(c.until).toISOString(),
  factor: c.factor,
});

const invalid = (path: string, message: string) =>
  new AppError('VALIDATION_FAILED', `${path}: ${message}`, {
    details: { errors: [{ path, message }] },
  });

/** A condition as sent, checked beyond its schema: the zone's cell, the interval, the factor. */
function checked(c: ConditionInput, i: number, now: number): Condition {
  const at = `body.conditions.${i}`;
  const zone = c.zone ?? null;
  if (zone !== null && (!isValidCell(zone) || getResolution(zone) !== ZONE_RES))
    throw invalid(`${at}.zone`, `not an H3 cell of resolution ${ZONE_RES}`);
  const from = Date.parse(c.starts_at);
  const until = Date.parse(c.ends_at);
  if (!(until > from)) throw invalid(`${at}.ends_at`, 'must be after starts_at');
  if (until > now + AHEAD_MAX_MS) throw invalid(`${at}.ends_at`, 'more than 7 days ahead');
  const factor = c.factor ?? null;
  if (c.kind === 'traffic' && factor === null)
    throw invalid(`${at}.factor`, 'traffic needs its factor');
  if (c.kind !== 'traffic' && factor !== null)
    throw invalid(`${at}.factor`, "weather has no factor: each vehicle's slowdown is lastmile's");
  return { kind: c.kind, zone, from, until, factor };
}

/**
 * Traffic and weather from the feeds: each feed (`source`) replaces its whole picture at once, past
 * hours included (learning reads what held while a ride ran); estimates read them from a cache in
 * each process, reloaded in the background, so checkout pays no query per order. The weather's
 * learned slowdowns (`learnedWeather`: the `weather` statistics by key) are read with them, in
 * the same cache, so an estimate reads both synchronously; without them the rule of thumb holds.
 */
export function conditionsService(deps: {
  db: Db;
  clock: Clock;
  learnedWeather?: () => Promise<ReadonlyMap<string, Learned>>;
}) {
  const { clock } = deps;
  const repo = conditionsRepository(deps.db);
  const cache = createCache<Conditions>({
    ttlMs: CACHE_MS,
    refreshAfterMs: REFRESH_MS,
    maxEntries: 1,
    now: () => clock.now(),
  });
  const load = async () => {
    const [rows, learned] = await Promise.all([
      repo.endingAfter(new Date(clock.now() - KEEP_ENDED_MS)),
      deps.learnedWeather?.(),
    ]);
    return conditionsOf(rows, slowdownOf(learned));
  };

  return {
    /** The conditions in force and those that ended in the last hours, for estimates. */
    current: (): Promise<Conditions> => cache.get('all', load),

    /** Replaces the feed's picture; answers what is kept of it (what ended hours ago is not). */
    async replace(source: string, items: readonly ConditionInput[]): Promise<ConditionView[]> {
      const now = clock.now();
      const rows = items
        .map((c, i) => checked(c, i, now))
        .filter((c) => c.until > now - KEEP_ENDED_MS);
      await repo.replace(source, rows, new Date(now - KEEP_ENDED_MS));
      cache.clear();
      return rows.map((r) => viewOf({ ...r, source }));
    },

    /** The conditions that hold now or later, every feed's. */
    async upcoming(): Promise<ConditionView[]> {
      return (await repo.endingAfter(new Date(clock.now()))).map(viewOf);
    },
  };
}

export type ConditionsService = ReturnType<typeof conditionsService>;
