import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { type Schemas, unwrap } from '@lastmile/client';
import { money } from '@web/format.ts';
import type { SubstitutionUpdate } from '@web/tracking.ts';
import { ErrorNote } from '@web/ui.tsx';
import { api, m } from '../../app.ts';

type Order = Schemas['Order'];

/** What the customer sees of a substitute: from `GET …/substitutions`, then as the socket tells. */
interface Substitute {
  id: string;
  status: Schemas['Substitution']['status'];
  product_id: string;
  missing: number;
  name: string;
  quantity: number;
  unit_price_minor: number;
  answer_by: string;
}

const fromLive = (u: SubstitutionUpdate): Substitute => ({ ...u, id: u.substitution_id });

/** The time now, once a second while a proposal waits for an answer. */
function useNow(ticking: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!ticking) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [ticking]);
  return now;
}

const minSec = (ms: number) => {
  const s = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

function Proposal(p: { order: Order; sub: Substitute; now: number }) {
  const { order, sub } = p;
  const client = useQueryClient();
  const answer = useMutation({
    mutationFn: (how: 'accept' | 'decline') => {
      const at = { params: { path: { id: order.id, substitution_id: sub.id } } };
      return unwrap(
        how === 'accept'
          ? api.POST('/v1/orders/{id}/substitutions/{substitution_id}/accept', at)
          : api.POST('/v1/orders/{id}/substitutions/{substitution_id}/decline', at),
      );
    },
    onSuccess: () => void client.invalidateQueries({ queryKey: ['order', order.id] }),
  });
  const replaced = order.lines?.find((l) => l.product_id === sub.product_id)?.name ?? '';
  const left = Date.parse(sub.answer_by) - p.now;
  const open = sub.status === 'proposed' && left > 0;
  return (
    <li data-testid="substitute" data-status={sub.status} data-name={sub.name}>
      <p className="spread">
        <span>
          {sub.quantity} × {sub.name}
        </span>
        <strong>{money(sub.unit_price_minor * sub.quantity, order.currency, m.locale)}</strong>
      </p>
      <p className="muted">{m.substitute.replaces(sub.missing, replaced)}</p>
      {open ? (
        <>
          <p className="muted" aria-live="off">
            {m.substitute.timeLeft(minSec(left))}
          </p>
          <p>
            <button
              type="button"
              onClick={() => answer.mutate('accept')}
              disabled={answer.isPending}
            >
              {m.substitute.accept}
            </button>{' '}
            <button
              type="button"
              className="secondary"
              onClick={() => answer.mutate('decline')}
              disabled={answer.isPending}
            >
              {m.substitute.decline}
            </button>
          </p>
        </>
      ) : (
        <p aria-live="polite" data-testid="substitute-outcome">
          {m.substitute.status[sub.status === 'proposed' ? 'expired' : sub.status]}
        </p>
      )}
      <ErrorNote error={answer.error} words={m.problems} />
    </li>
  );
}

/**
 * The substitutes the store proposed for short lines (`GET /v1/orders/{id}/substitutions`), the
 * socket's word on each laid over them: a proposal to accept or decline before `answer_by`, then
 * its outcome.
 */
export function Substitutes(p: { order: Order; live: Record<string, SubstitutionUpdate> }) {
  const { order } = p;
  const listed = useQuery({
    queryKey: ['order', order.id, 'substitutions'],
    queryFn: () =>
      unwrap(api.GET('/v1/orders/{id}/substitutions', { params: { path: { id: order.id } } })),
  });
  const byId = new Map<string, Substitute>();
  for (const s of listed.data ?? []) byId.set(s.id, s);
  for (const u of Object.values(p.live)) byId.set(u.substitution_id, fromLive(u));
  const subs = [...byId.values()];
  const now = useNow(subs.some((s) => s.status === 'proposed'));
  if (subs.length === 0) return null;
  return (
    <div className="card" data-testid="substitutes">
      <h2>{m.substitute.title}</h2>
      <ul className="lines">
        {subs.map((s) => (
          <Proposal key={s.id} order={order} sub={s} now={now} />
        ))}
      </ul>
    </div>
  );
}
