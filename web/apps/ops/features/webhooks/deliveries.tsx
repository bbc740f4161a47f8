import { type Schemas, unwrap } from '@lastmile/client';
import { dateTimeSeconds } from '@web/format.ts';
import { ErrorNote, Loading, MoreButton } from '@web/ui.tsx';
import { api, m, queryClient } from '../../app.ts';
import { ReasonForm } from '../../reason-form.tsx';
import { usePages } from '../../table.tsx';

type Delivery = Schemas['WebhookDelivery'];

/** While a delivery is on its way, the history asks again this often. */
const PENDING_REFRESH_MS = 2_000;

const resend = (subscription: string, delivery: string, reason: string, key: string) =>
  unwrap(
    api.POST('/v1/ops/webhooks/{id}/deliveries/{deliveryId}/retry', {
      params: {
        path: { id: subscription, deliveryId: delivery },
        header: { 'idempotency-key': key },
      },
      body: { reason },
    }),
  );

function DeliveryItem({ d }: { d: Delivery }) {
  return (
    <li data-delivery-id={d.id} data-status={d.status}>
      <div className="spread">
        <span>
          <strong className="mono">{d.event_type}</strong>
          <br />
          <span className={`badge ${d.status}`}>{m.webhooks.statuses[d.status]}</span>
        </span>
        <time dateTime={d.created_at} className="muted">
          {dateTimeSeconds(d.created_at, m.locale)}
        </time>
      </div>
      <dl className="facts">
        <dt>{m.webhooks.attempts}</dt>
        <dd data-testid="attempts">{d.attempts}</dd>
        <dt>{m.webhooks.responseCode}</dt>
        <dd data-testid="response-code">{d.last_status ?? m.webhooks.noResponse}</dd>
        {d.last_error && (
          <>
            <dt>{m.webhooks.lastError}</dt>
            <dd className="mono">{d.last_error}</dd>
          </>
        )}
        {d.delivered_at && (
          <>
            <dt>{m.webhooks.deliveredAt}</dt>
            <dd>{dateTimeSeconds(d.delivered_at, m.locale)}</dd>
          </>
        )}
      </dl>
      {d.status === 'dead' && (
        <ReasonForm
          label={m.webhooks.resendReason(d.event_type)}
          action={m.webhooks.resend}
          act={(reason, key) => resend(d.subscription_id, d.id, reason, key)}
          onDone={() => void queryClient.invalidateQueries({ queryKey: ['ops-webhooks'] })}
        />
      )}
    </li>
  );
}

/** An endpoint's delivery history, newest first: status, attempts, the partner's answer. */
export function Deliveries({ subscription }: { subscription: string }) {
  const { list, items } = usePages({
    key: ['ops-webhooks', 'deliveries', subscription],
    page: (cursor) =>
      unwrap(
        api.GET('/v1/ops/webhooks/{id}/deliveries', {
          params: { path: { id: subscription }, query: { cursor } },
        }),
      ),
    refetchInterval: (pages) =>
      pages.some((p) => p.items.some((d) => d.status === 'pending')) ? PENDING_REFRESH_MS : false,
  });
  return (
    <section className="stack" aria-labelledby="deliveries-title">
      <h2 id="deliveries-title">{m.webhooks.deliveries}</h2>
      {list.isPending && <Loading text={m.loading} />}
      <ErrorNote error={list.error} words={m.problems} />
      {list.data && items.length === 0 && <p className="muted">{m.webhooks.noDeliveries}</p>}
      <ol className="stops card" data-testid="deliveries">
        {items.map((d) => (
          <DeliveryItem key={d.id} d={d} />
        ))}
      </ol>
      <MoreButton query={list} label={m.webhooks.more} />
    </section>
  );
}
