import { Link } from '@tanstack/react-router';
import { useInfiniteQuery } from '@tanstack/react-query';
import { type Schemas, unwrap } from '@lastmile/client';
import { dateTime } from '@web/format.ts';
import { ErrorNote, Loading, MoreButton } from '@web/ui.tsx';
import { api, m } from '../app.ts';

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
          <Link
            to="/orders/$orderId"
            params={{ orderId: t.order_id }}
            aria-label={w.timeline(t.order_id)}
            className="mono"
          >
            {t.order_id.slice(0, 8)}
          </Link>
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
  const list = useInfiniteQuery({
    queryKey: ['ops-settings', 'support-queue'],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/v1/support/tickets', {
          params: { query: { unresolved: true, sort: 'oldest', limit: 20, cursor: pageParam } },
        }),
      ),
    getNextPageParam: (page) => page.next_cursor ?? undefined,
    refetchInterval: REFRESH_MS,
  });
  const tickets = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <div className="stack">
      <p className="muted">{w.intro}</p>
      {list.isPending && <Loading text={m.loading} />}
      <ErrorNote error={list.error} words={m.problems} />
      {list.data && tickets.length === 0 && <p className="muted">{w.none}</p>}
      {tickets.length > 0 && (
        <div className="card table-scroll">
          <table data-testid="support-queue">
            <caption className="visually-hidden">{m.settings.sections.supportQueue}</caption>
            <thead>
              <tr>
                <th scope="col">{w.subject}</th>
                <th scope="col">{w.from}</th>
                <th scope="col">{w.opened}</th>
                <th scope="col">{w.status}</th>
                <th scope="col">{w.order}</th>
              </tr>
            </thead>
            <tbody>
              {tickets.map((t) => (
                <TicketRow key={t.id} t={t} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <MoreButton query={list} label={w.more} />
    </div>
  );
}
