import { DAY_MS } from '../../platform/db/prune.ts';

/**
 * The day partitions of the location history (migrations/0002): one table per UTC day, named
 * `driver_locations_pYYYYMMDD`. Days are given as their start, in epoch milliseconds.
 */
export { DAY_MS };

const NAME = /^driver_locations_p(\d{4})(\d{2})(\d{2})$/;

/** The start (UTC midnight) of the day `ms` falls in. */
export const dayStart = (ms: number): number => Math.floor(ms / DAY_MS) * DAY_MS;

/** The partition that holds the day starting at `day`. */
export const partitionName = (day: number): string =>
  `driver_locations_p${new Date(day).toISOString().slice(0, 10).replaceAll('-', '')}`;

/** The day a partition holds, from its name; null for a table that is not a day partition. */
export function partitionDay(name: string): number | null {
  const m = NAME.exec(name);
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : null;
}

/** Today and the `ahead` days after it: the partitions that must exist at `now`. */
export const daysAhead = (now: number, ahead: number): number[] =>
  Array.from({ length: ahead + 1 }, (_, i) => dayStart(now) + i * DAY_MS);

/**
 * The oldest day kept at `now`: a day's partition goes once all of it is older than the
 * retention, so history is kept at least `retentionDays` and at most a day more.
 */
export const firstKeptDay = (now: number, retentionDays: number): number =>
  dayStart(now - retentionDays * DAY_MS);

/** The distinct days of these instants. */
export const daysOf = (instants: readonly number[]): number[] =>
  [...new Set(instants.map(dayStart))].sort((a, b) => a - b);
