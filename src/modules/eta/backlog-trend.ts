import { type Learned, over, TRUSTED_SAMPLES } from './eta-learning.ts';

/**
 * The store's backlog when an order is placed (its orders placed and not yet picked up) in levels
 * that double: 0, 1, 2–3, 4–7, … 64 and more. A queue at the counter or a lack of couriers shows
 * in it before it shows in the delivered orders' durations.
 */
export const BACKLOG_LEVELS = 8;
export const backlogLevel = (n: number) =>
  n <= 0 ? 0 : Math.min(BACKLOG_LEVELS - 1, Math.floor(Math.log2(n)) + 1);
/** The key of a store's (or the fleet's) statistics at one backlog level. */
export const backlogKey = (key: string, level: number) => `${key}#b${level}`;

/** A level stands in the trend once this many samples were learned at it. */
const TREND_MIN_SAMPLES = 5;

/**
 * A level's statistic from the levels below it, for a level that has not been learned yet: the
 * highest learned level below, moved up by the trend of the learned levels' means (a weighted
 * least-squares line over the level, never falling: a longer queue is not a quicker one). A
 * first rush meets levels no order has reached yet; without this it would be promised the quiet
 * hours' waits until its own orders were delivered. The line is over the level, so over the
 * logarithm of the queue: for waits that grow with every order ahead it says too little rather
 * than too much, and the level's own samples take over as they come (`TRUSTED_SAMPLES`).
 * Null when fewer than two levels below were learned.
 */
export function levelTrend(at: (level: number) => Learned | null, level: number): Learned | null {
  const seen: Array<{ level: number; s: Learned; w: number }> = [];
  for (let l = 0; l < level; l++) {
    const s = at(l);
    if (s && s.samples >= TREND_MIN_SAMPLES)
      seen.push({ level: l, s, w: Math.min(s.samples, TRUSTED_SAMPLES) });
  }
  const top = seen.at(-1);
  if (seen.length < 2 || !top) return null;
  const sw = seen.reduce((a, p) => a + p.w, 0);
  const ml = seen.reduce((a, p) => a + p.w * p.level, 0) / sw;
  const mm = seen.reduce((a, p) => a + p.w * p.s.mean, 0) / sw;
  const cov = seen.reduce((a, p) => a + p.w * (p.level - ml) * (p.s.mean - mm), 0);
  const varl = seen.reduce((a, p) => a + p.w * (p.level - ml) ** 2, 0);
  const rise = Math.max(0, cov / varl) * (level - top.level);
  return { ...top.s, mean: top.s.mean + rise, lo: top.s.lo + rise, hi: top.s.hi + rise };
}

/**
 * The statistic of `key` at a backlog level as a chain reads it: the level's own, over the trend
 * of the levels below while it has fewer than `TRUSTED_SAMPLES` samples of its own.
 */
export function atLevel(
  look: (key: string) => Learned | null,
  key: string,
  level: number,
): Learned | null {
  const own = look(backlogKey(key, level));
  if (own && own.samples >= TRUSTED_SAMPLES) return own;
  const trend = levelTrend((l) => look(backlogKey(key, l)), level);
  if (!trend) return own;
  return own ? over(trend, own) : trend;
}
