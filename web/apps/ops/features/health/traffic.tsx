import { useState } from 'react';
import type { Schemas } from '@lastmile/client';
import { m } from '../../app.ts';
import { DataTable } from '../../table.tsx';
import { MinuteChart } from './chart.tsx';
import { count, ms } from './numbers.ts';

type SeriesView = Schemas['HealthSeries'];
type RouteSeries = SeriesView['routes'][number];

/** The routes shown in the table of the slowest. */
const SLOWEST = 10;
const routeKey = (r: { method: string; route: string }) => `${r.method} ${r.route}`;

/** Requests, errors and p99 per minute of one route, or of all of them. */
function Charts({ of }: { of: SeriesView['all'] }) {
  return (
    <div className="charts">
      <MinuteChart
        label={m.health.requests}
        kind="bars"
        testId="chart-requests"
        series={[{ values: of.requests, className: 'requests' }]}
        format={count}
      />
      <MinuteChart
        label={m.health.errors}
        kind="bars"
        testId="chart-errors"
        series={[
          { values: of.errors_4xx, className: 'client-errors' },
          { values: of.errors_5xx, className: 'server-errors' },
        ]}
        format={count}
      />
      <MinuteChart
        label={m.health.p99}
        kind="line"
        testId="chart-p99"
        series={[{ values: of.p99_ms, className: 'latency' }]}
        format={ms}
      />
    </div>
  );
}

function Slowest({ routes }: { routes: readonly RouteSeries[] }) {
  const slowest = [...routes]
    .sort((a, b) => (b.total.p99_ms ?? 0) - (a.total.p99_ms ?? 0))
    .slice(0, SLOWEST);
  return (
    <DataTable
      testId="slowest"
      caption={m.health.slowest}
      words={m.health}
      columns={['route', 'count', 'errors4xx', 'errors5xx', 'p99Column']}
    >
      {slowest.map((r) => (
        <tr key={routeKey(r)} data-route={routeKey(r)}>
          <td className="mono">{routeKey(r)}</td>
          <td className="number">{count(r.total.requests)}</td>
          <td className="number">{count(r.total.errors_4xx)}</td>
          <td className="number">{count(r.total.errors_5xx)}</td>
          <td className="number">{r.total.p99_ms === null ? '—' : ms(r.total.p99_ms)}</td>
        </tr>
      ))}
    </DataTable>
  );
}

function Refusals({ rows }: { rows: SeriesView['rate_limited'] }) {
  if (rows.length === 0) return <p className="muted">{m.health.noRefusals}</p>;
  return (
    <DataTable
      testId="rate-limited"
      caption={m.health.rateLimited}
      words={m.health}
      columns={['policy', 'tier', 'refusals']}
    >
      {rows.map((r) => (
        <tr key={`${r.policy}/${r.tier}`} data-policy={r.policy} data-tier={r.tier}>
          <td className="mono">{r.policy}</td>
          <td className="mono">{r.tier}</td>
          <td className="number">{count(r.rejections)}</td>
        </tr>
      ))}
    </DataTable>
  );
}

/**
 * The last hour of this process's traffic: charts of every route together or of the one picked,
 * the slowest routes, and what the rate limiter refused.
 */
export function Traffic({ s }: { s: SeriesView }) {
  const [picked, pick] = useState('');
  const route = s.routes.find((r) => routeKey(r) === picked);
  return (
    <section className="stack" aria-labelledby="traffic-title">
      <h2 id="traffic-title">{m.health.traffic}</h2>
      <div className="narrow">
        <label htmlFor="traffic-route">{m.health.route}</label>
        <select id="traffic-route" value={picked} onChange={(e) => pick(e.target.value)}>
          <option value="">{m.health.allRoutes}</option>
          {s.routes.map((r) => (
            <option key={routeKey(r)} value={routeKey(r)}>
              {routeKey(r)}
            </option>
          ))}
        </select>
      </div>
      <Charts of={route ?? s.all} />
      <h3>{m.health.slowest}</h3>
      {s.routes.length === 0 ? (
        <p className="muted">{m.health.noTraffic}</p>
      ) : (
        <Slowest routes={s.routes} />
      )}
      <h3>{m.health.rateLimited}</h3>
      <Refusals rows={s.rate_limited} />
    </section>
  );
}
