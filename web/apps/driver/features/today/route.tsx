import { createRoute } from '@tanstack/react-router';
import { useQuery } from '@tanstack/react-query';
import { unwrap } from '@lastmile/client';
import { clock, money } from '@web/format.ts';
import { ErrorNote, Loading } from '@web/ui.tsx';
import { api, keys, m } from '../../app.ts';
import { requireSignIn, rootRoute } from '../../root.tsx';

/** Today as UTC counts it (the API's days are UTC days). */
const today = () => new Date().toISOString().slice(0, 10);

/** Today's deliveries (`GET /v1/drivers/me/deliveries`) and earnings (`…/earnings`). */
function TodayScreen() {
  const day = today();
  const deliveries = useQuery({
    queryKey: [...keys.today, 'deliveries', day],
    queryFn: () => unwrap(api.GET('/v1/drivers/me/deliveries', { params: { query: { day } } })),
  });
  const earnings = useQuery({
    queryKey: [...keys.today, 'earnings', day],
    queryFn: () =>
      unwrap(api.GET('/v1/drivers/me/earnings', { params: { query: { from: day, to: day } } })),
  });
  const total = earnings.data?.days.find((d) => d.day === day);
  const items = deliveries.data?.items ?? [];
  return (
    <section className="stack">
      <h1>{m.today.title}</h1>
      {(deliveries.isPending || earnings.isPending) && <Loading text={m.loading} />}
      <ErrorNote error={deliveries.error ?? earnings.error} words={m.problems} />
      <div className="card">
        <p className="spread">
          <span className="muted">{m.today.earned}</span>
          {/* Nothing until the earnings answered: a day's total is never shown as 0 while loading. */}
          <strong className="big" data-testid="earned-today">
            {earnings.isSuccess &&
              money(total?.total_minor ?? 0, total?.currency ?? 'EUR', m.locale)}
          </strong>
        </p>
        <p className="muted">{m.today.deliveries(total?.deliveries ?? 0)}</p>
      </div>
      {deliveries.isSuccess && items.length === 0 && <p className="muted">{m.today.none}</p>}
      <ul className="stops card" data-testid="today-deliveries">
        {items.map(({ delivery: d, earning: e }) => (
          <li key={d.id} className="spread" data-status={d.status}>
            <span>
              {clock(d.status_at, m.locale)} · {d.dropoff.address}
              <span className="muted"> · {m.delivery[d.status]}</span>
            </span>
            <span>{e ? money(e.total_minor, e.currency, m.locale) : m.today.pending}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

export const route = createRoute({
  getParentRoute: () => rootRoute,
  path: '/today',
  beforeLoad: requireSignIn,
  component: TodayScreen,
});
