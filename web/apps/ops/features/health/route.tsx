import { createRoute } from '@tanstack/react-router';
import { useQuery } from '@tanstack/react-query';
import { unwrap } from '@lastmile/client';
import { dateTimeSeconds } from '@web/format.ts';
import { ErrorNote, Loading } from '@web/ui.tsx';
import { api, m } from '../../app.ts';
import { requireSignIn, rootRoute } from '../../root.tsx';
import { Consumers, Dependencies, Modules, Queues } from './status-tables.tsx';
import { Traffic } from './traffic.tsx';

// The platform's health as the process that answers sees it: its modules, what it depends on,
// the queues and the bus consumers' backlogs, and the last hour of its own traffic. Read again
// every 10 seconds while the screen is open.

const REFRESH_MS = 10_000;

function HealthScreen() {
  const health = useQuery({
    queryKey: ['ops-health'],
    queryFn: () => unwrap(api.GET('/v1/ops/health')),
    refetchInterval: REFRESH_MS,
  });
  const series = useQuery({
    queryKey: ['ops-health', 'series'],
    queryFn: () =>
      unwrap(api.GET('/v1/ops/health/series', { params: { query: { window: '1h' } } })),
    refetchInterval: REFRESH_MS,
  });
  const h = health.data;
  return (
    <section className="stack">
      <h1>{m.health.title}</h1>
      <p className="muted status-line">
        {h ? m.health.intro(h.instance, h.process_id) : m.loading}
      </p>
      <ErrorNote error={health.error ?? series.error} words={m.problems} />
      {health.isPending && <Loading text={m.loading} />}
      {h && (
        <>
          <p data-testid="health-status" data-status={h.status}>
            <strong className={`badge ${h.status === 'ok' ? 'good' : ''}`}>
              {m.health.status[h.status]}
            </strong>
            <span className="muted">
              {` ${m.health.at}: ${dateTimeSeconds(h.at, m.locale)} · ${m.health.roles}: ${h.roles.join(', ')}`}
            </span>
          </p>
          <div className="health-grid">
            <section aria-labelledby="dependencies-title">
              <h2 id="dependencies-title">{m.health.dependencies}</h2>
              <Dependencies h={h} />
            </section>
            <section aria-labelledby="modules-title">
              <h2 id="modules-title">{m.health.modules}</h2>
              <Modules h={h} />
            </section>
          </div>
          <section aria-labelledby="queues-title">
            <h2 id="queues-title">{m.health.queues}</h2>
            <Queues h={h} />
          </section>
          <section aria-labelledby="consumers-title">
            <h2 id="consumers-title">{m.health.consumers}</h2>
            <Consumers h={h} />
          </section>
        </>
      )}
      {h && series.data && <Traffic s={series.data} />}
    </section>
  );
}

export const route = createRoute({
  getParentRoute: () => rootRoute,
  path: '/health',
  beforeLoad: requireSignIn,
  component: HealthScreen,
});
