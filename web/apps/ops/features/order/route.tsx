import { createRoute, Link } from '@tanstack/react-router';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { type Schemas, unwrap } from '@lastmile/client';
import { dateTime, dateTimeSeconds, money } from '@web/format.ts';
import { ErrorNote, Loading } from '@web/ui.tsx';
import { api, m } from '../../app.ts';
import { requireSignIn, rootRoute } from '../../root.tsx';

type Item = Schemas['TimelineItem'];
type Gap = Schemas['OrderTimeline']['gaps'][number];

/** The order as the search lists it: who, where, how much, where it is now. */
function Summary({ orderId }: { orderId: string }) {
  const found = useQuery({
    queryKey: ['ops-order', orderId],
    queryFn: () => unwrap(api.GET('/v1/ops/orders', { params: { query: { id: orderId } } })),
  });
  const o = found.data?.items.find((i) => i.id === orderId);
  if (!o) return <ErrorNote error={found.error} words={m.problems} />;
  return (
    <dl className="facts card" data-testid="order-summary" data-status={o.status}>
      <dt>{m.orders.status}</dt>
      <dd>
        {m.orderStatus[o.status]}
        {o.late && <strong className="badge late">{m.orders.late}</strong>}
      </dd>
      <dt>{m.orders.placed}</dt>
      <dd>{dateTime(o.placed_at, m.locale)}</dd>
      <dt>{m.orders.store_}</dt>
      <dd>{o.store.name ?? m.orders.gone}</dd>
      <dt>{m.orders.customer_}</dt>
      <dd>{o.customer.email ?? m.orders.gone}</dd>
      <dt>{m.orders.driver_}</dt>
      <dd>{o.driver ? (o.driver.name ?? m.orders.gone) : m.orders.noDriver}</dd>
      <dt>{m.orders.total}</dt>
      <dd>{money(o.total_minor, o.currency, m.locale)}</dd>
    </dl>
  );
}

/** Which sources to show: all, or one (a person following the payment, or the delivery). */
function SourceFilter(p: {
  sources: string[];
  shown: string | null;
  show: (s: string | null) => void;
}) {
  return (
    <fieldset className="row chips">
      <legend>{m.timeline.sources}</legend>
      {[null, ...p.sources].map((s) => (
        <label key={s ?? ''} className="chip">
          <input type="radio" name="source" checked={p.shown === s} onChange={() => p.show(s)} />
          {s ?? m.timeline.all}
        </label>
      ))}
    </fieldset>
  );
}

function GapNote({ gap }: { gap: Gap }) {
  return (
    <p className="alert" role="status" data-testid="gap" data-source={gap.source}>
      {gap.reason === 'limit' ? m.timeline.gap(gap.source) : m.timeline.gapError(gap.source)}
    </p>
  );
}

function TimelineEntry({ item }: { item: Item }) {
  const hasData = Object.keys(item.data).length > 0;
  return (
    <li data-source={item.source} data-kind={item.kind}>
      <div className="spread">
        <span>
          <strong>{item.summary}</strong>
          <br />
          <span className="muted mono">
            {item.source} · {item.kind}
          </span>
        </span>
        <time dateTime={item.at} className="muted">
          {dateTimeSeconds(item.at, m.locale)}
        </time>
      </div>
      {hasData && (
        <details>
          <summary>{m.timeline.details}</summary>
          <pre className="json">{JSON.stringify(item.data, null, 2)}</pre>
        </details>
      )}
    </li>
  );
}

function TimelineScreen() {
  const { orderId } = route.useParams();
  const [shown, setShown] = useState<string | null>(null);
  const timeline = useQuery({
    queryKey: ['ops-timeline', orderId],
    queryFn: () =>
      unwrap(api.GET('/v1/ops/orders/{id}/timeline', { params: { path: { id: orderId } } })),
  });
  const items = timeline.data?.items ?? [];
  const sources = [...new Set(items.map((i) => i.source))].sort();
  const visible = shown === null ? items : items.filter((i) => i.source === shown);
  return (
    <section className="stack">
      <p>
        <Link to="/">{m.timeline.back}</Link>
      </p>
      <h1>{m.timeline.title(orderId)}</h1>
      <p className="muted mono" data-testid="order-id">
        {orderId}
      </p>
      <Summary orderId={orderId} />
      <h2>{m.timeline.what}</h2>
      {timeline.isPending && <Loading text={m.loading} />}
      <ErrorNote error={timeline.error} words={m.problems} />
      {timeline.data?.gaps.map((g) => (
        <GapNote key={g.source} gap={g} />
      ))}
      {timeline.data && items.length === 0 && <p className="muted">{m.timeline.empty}</p>}
      {sources.length > 1 && <SourceFilter sources={sources} shown={shown} show={setShown} />}
      <ol className="stops card timeline" data-testid="timeline">
        {visible.map((item, i) => (
          <TimelineEntry key={`${item.at}-${item.kind}-${i}`} item={item} />
        ))}
      </ol>
    </section>
  );
}

export const route = createRoute({
  getParentRoute: () => rootRoute,
  path: '/orders/$orderId',
  beforeLoad: requireSignIn,
  component: TimelineScreen,
});
