import { m } from '../../app.ts';

/** One series of a chart: a value per minute (null: nothing that minute), drawn in its class. */
export interface Series {
  values: ReadonlyArray<number | null>;
  className: string;
}

const W = 600;
const H = 96;

/** Bars stacked per minute: the series in order, bottom up. */
function Bars({ series, max }: { series: readonly Series[]; max: number }) {
  const n = series[0]?.values.length ?? 0;
  const slot = W / Math.max(1, n);
  const bars = [];
  for (let i = 0; i < n; i++) {
    let y = H;
    for (const [k, s] of series.entries()) {
      const h = ((s.values[i] ?? 0) / max) * H;
      if (h <= 0) continue;
      y -= h;
      bars.push(
        <rect
          key={`${k}-${i}`}
          className={s.className}
          x={i * slot + slot * 0.1}
          y={y}
          width={slot * 0.8}
          height={h}
        />,
      );
    }
  }
  return <>{bars}</>;
}

/** A line through the minutes that have a value; a minute without one breaks it. */
function Line({ series, max }: { series: Series; max: number }) {
  const n = series.values.length;
  const slot = W / Math.max(1, n);
  const runs: string[][] = [[]];
  series.values.forEach((v, i) => {
    if (v === null) {
      if ((runs.at(-1) ?? []).length > 0) runs.push([]);
      return;
    }
    runs.at(-1)?.push(`${(i + 0.5) * slot},${H - (v / max) * H}`);
  });
  return (
    <>
      {runs
        .filter((r) => r.length > 0)
        .map((r) =>
          r.length === 1 ? (
            <circle
              key={r[0]}
              className={series.className}
              cx={r[0]?.split(',')[0]}
              cy={r[0]?.split(',')[1]}
              r={3}
            />
          ) : (
            <polyline key={r[0]} className={series.className} points={r.join(' ')} />
          ),
        )}
    </>
  );
}

/**
 * A small chart of the last hour, one slot per minute, oldest on the left: stacked bars for
 * counts, a line for latency. Its box has a fixed shape, so new data moves nothing around it; its
 * label says the largest and the latest value for whoever cannot see it.
 */
export function MinuteChart(p: {
  label: string;
  kind: 'bars' | 'line';
  series: readonly Series[];
  format: (n: number) => string;
  testId: string;
}) {
  const n = p.series[0]?.values.length ?? 0;
  const totals = Array.from({ length: n }, (_, i) =>
    p.kind === 'bars'
      ? p.series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0)
      : Math.max(0, ...p.series.map((s) => s.values[i] ?? 0)),
  );
  const max = Math.max(0, ...totals);
  const last = totals.at(-1) ?? 0;
  return (
    <figure className="chart card" data-testid={p.testId} data-max={max}>
      <figcaption className="spread">
        <span>{p.label}</span>
        <span className="muted">{p.format(max)}</span>
      </figcaption>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={m.health.chartOf(p.label, p.format(max), p.format(last))}
      >
        <line className="axis" x1={0} y1={H} x2={W} y2={H} />
        {p.kind === 'bars' ? (
          <Bars series={p.series} max={Math.max(1, max)} />
        ) : (
          p.series.map((s) => <Line key={s.className} series={s} max={Math.max(1, max)} />)
        )}
      </svg>
    </figure>
  );
}
