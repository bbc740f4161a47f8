import { type Schemas, unwrap } from '@lastmile/client';
import { dateTime } from '@web/format.ts';
import { ErrorNote, Loading, MoreButton } from '@web/ui.tsx';
import { api, m } from '../app.ts';
import { DataTable, OrderLink, usePages } from '../table.tsx';

type Ticket = Schemas['Ticket'];

/** The queue is read again this often while it is shown. */
const REFRESH_MS = 30_000;

function TicketRow({ t }: { t: Ticket }) {
  const w = m.settings.tickets;
  return (
    <tr data-ticket-id={t.id} data-status={t.status}>
      <td>{t.subject}</td>
      <td>{w.openers[t.opener_role]}</td>
      <td>
        <time dateTime={t.created_at}>{dateTime(t.created_at, m.locale)}</time>
      </td>
      <td>
        <span className={`badge ${t.status === 'open' ? 'good' : ''}`}>
          {w.ticketStatus[t.status]}
        </span>
      </td>
      <td>
        {t.order_id ? (
          <OrderLink id={t.order_id} label={w.timeline(t.order_id)} />
        ) : (
          <span className="muted">{w.noOrder}</span>
        )}
      </td>
    </tr>
  );
}

/** Support tickets nobody has resolved, the longest waiting first, each with its order's timeline. */
export function SupportQueue() {
  const w = m.settings.tickets;
  const { list, items: tickets } = usePages({
    key: ['ops-settings', 'support-queue'],
    page: (cursor) =>
      unwrap(
        api.GET('/v1/support/tickets', {
          params: { query: { unresolved: true, sort: 'oldest', limit: 20, cursor } },
        }),
      ),
    refetchInterval: REFRESH_MS,
  });
  return (
    <div className="stack">
      <p className="muted">{w.intro}</p>
      {list.isPending && <Loading text={m.loading} />}
      <ErrorNote error={list.error} words={m.problems} />
      {list.data && tickets.length === 0 && <p className="muted">{w.none}</p>}
      {tickets.length > 0 && (
        <DataTable
          testId="support-queue"
          caption={m.settings.sections.supportQueue}
          words={w}
          columns={['subject', 'from', 'opened', 'status', 'order']}
        >
          {tickets.map((t) => (
            <TicketRow key={t.id} t={t} />
          ))}
        </DataTable>
      )}
      <MoreButton query={list} label={w.more} />
    </div>
  );
}
