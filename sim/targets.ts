import type { WorldFigures } from './figures.ts';

// The targets of issue 24, judged on the evening's figures: lastmile's world, and the greedy
// baseline's where a target compares with it.

export interface Target {
  goal: string;
  /** What lastmile did, in words and numbers. */
  ours: string;
  /** Met, missed, or null when the evening cannot tell (no deliveries, no baseline). */
  met: boolean | null;
}

const pct = (x: number) => `${Math.round(x * 1000) / 10} %`;

/** Share of the promised windows met, and the windows' width. */
function onTime(a: WorldFigures): Target {
  const { inside_window: inside } = a.feel.on_time;
  const width = a.feel.window_min.p50;
  return {
    goal: 'On-time share ≥ 90 % inside the window promised at checkout, window width p50 ≤ 10 min',
    ours: `${inside === null ? '–' : pct(inside)} of ${a.feel.on_time.orders} inside; width p50 ${width ?? '–'} min`,
    met: inside === null || width === null ? null : inside >= 0.9 && width <= 10,
  };
}

function eta(a: WorldFigures): Target {
  const { ours_mae: ours, honest_naive_mae: naive } = a.eta_error_min;
  const lower = ours !== null && naive !== null && naive > 0 ? 1 - ours / naive : null;
  return {
    goal: 'ETA mean absolute error at checkout ≥ 30 % lower than the honest naive ETA',
    ours: `${ours ?? '–'} against ${naive ?? '–'} min${lower === null ? '' : ` (${pct(Math.abs(lower))} ${lower >= 0 ? 'lower' : 'higher'})`}`,
    met: lower === null ? null : lower >= 0.3,
  };
}

function againstGreedy(a: WorldFigures, b: WorldFigures | undefined): Target {
  const goal = "Delivery p50 and p90 ≤ greedy's, courier minutes per delivery ≤ greedy's";
  const cost = (w: WorldFigures) => w.feel.couriers.courier_min_per_delivery;
  if (!b) return { goal, ours: 'no greedy baseline in this run', met: null };
  const pairs: Array<[string, number | null, number | null]> = [
    ['p50', a.delivery_min.p50, b.delivery_min.p50],
    ['p90', a.delivery_min.p90, b.delivery_min.p90],
    ['courier min/delivery', cost(a), cost(b)],
  ];
  return {
    goal,
    ours: pairs.map(([k, x, y]) => `${k} ${x ?? '–'} vs ${y ?? '–'}`).join(', '),
    met: pairs.some(([, x, y]) => x === null || y === null)
      ? null
      : pairs.every(([, x, y]) => (x as number) <= (y as number)),
  };
}

function routes(a: WorldFigures): Target {
  const { worst, over, limit_ms: limit, provider_bound: aside } = a.feel.route_p99;
  const apart = aside.map((r) => `${r.route} ${r.p99_ms} ms`).join(', ');
  return {
    goal: `Every route's p99 ≤ ${limit} ms during the evening (checkouts waiting on the payment provider by design timed apart)`,
    ours: worst
      ? `slowest ${worst.route} ${worst.p99_ms} ms; ${over.length} route(s) over${apart ? `; apart: ${apart}` : ''}`
      : 'no requests',
    met: worst ? over.length === 0 : null,
  };
}

/** The targets, judged for the first world (lastmile), against the second (greedy) if there is one. */
export function targetsOf(a: WorldFigures, b: WorldFigures | undefined): Target[] {
  return [onTime(a), eta(a), againstGreedy(a, b), routes(a)];
}
