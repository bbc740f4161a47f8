import { useState } from 'react';
import { type Schemas, unwrap } from '@lastmile/client';
import { api, m, queryClient } from '../../app.ts';
import { ReasonForm } from '../../reason-form.tsx';

// The actions of a late or stuck item: only those the API said are safe in its state now, each
// asking why (ReasonForm: one request per click, the same Idempotency-Key on a retry), each
// through the route that owns it.

type Item = Schemas['AttentionItem'];
export type Action = Item['actions'][number];
type Proof = { confirmed_by: Confirmer; method: Method };
type Confirmer = 'customer' | 'driver' | 'store' | 'other';
type Method = 'phone_call' | 'chat' | 'photo' | 'other';

const CONFIRMERS: readonly Confirmer[] = ['customer', 'driver', 'store', 'other'];
const METHODS: readonly Method[] = ['phone_call', 'chat', 'photo', 'other'];
const EXTEND_MINUTES = [10, 15, 30, 60] as const;

const text = (v: unknown): string => (typeof v === 'string' ? v : '');
const header = (key: string) => ({ 'idempotency-key': key });

/** Sends `action` for `item`; what the API answered, or a thrown problem. */
function send(
  item: Item,
  action: Action,
  reason: string,
  key: string,
  extra: Extra,
): Promise<unknown> {
  switch (action) {
    case 'reassign':
      return unwrap(
        api.POST('/v1/dispatch/trips/{id}/reassign', {
          params: { path: { id: item.trip_id ?? '' }, header: header(key) },
          body: { reason },
        }),
      );
    case 'cancel_refund':
      return unwrap(
        api.POST('/v1/orders/{id}/cancel', {
          params: { path: { id: item.order_id }, header: header(key) },
          body: { reason },
        }),
      );
    case 'retry_step':
      return unwrap(
        api.POST('/v1/ops/workflows/{id}/retry', {
          params: { path: { id: text(item.detail.workflow_id) }, header: header(key) },
          body: { reason },
        }),
      );
    case 'extend_deadline':
      return unwrap(
        api.POST('/v1/orders/{id}/deadline', {
          params: { path: { id: item.order_id }, header: header(key) },
          body: { reason, minutes: extra.minutes },
        }),
      );
    case 'mark_delivered':
      return unwrap(
        api.POST('/v1/deliveries/{id}/ops-delivered', {
          params: { path: { id: text(item.detail.delivery_id) }, header: header(key) },
          body: { reason, proof: extra.proof },
        }),
      );
  }
}

interface Extra {
  minutes: number;
  proof: Proof;
}

/** What an action needs besides the reason: minutes to extend, or who confirmed a hand-over. */
function ExtraFields(p: { action: Action; extra: Extra; set: (e: Extra) => void; id: string }) {
  const { extra, set } = p;
  if (p.action === 'extend_deadline')
    return (
      <div>
        <label htmlFor={`${p.id}-minutes`}>{m.attention.minutes}</label>
        <select
          id={`${p.id}-minutes`}
          value={extra.minutes}
          onChange={(e) => set({ ...extra, minutes: Number(e.target.value) })}
        >
          {EXTEND_MINUTES.map((n) => (
            <option key={n} value={n}>
              {m.attention.minutesOption(n)}
            </option>
          ))}
        </select>
      </div>
    );
  if (p.action !== 'mark_delivered') return null;
  return (
    <div className="row">
      <div>
        <label htmlFor={`${p.id}-by`}>{m.attention.confirmedBy}</label>
        <select
          id={`${p.id}-by`}
          value={extra.proof.confirmed_by}
          onChange={(e) =>
            set({ ...extra, proof: { ...extra.proof, confirmed_by: e.target.value as Confirmer } })
          }
        >
          {CONFIRMERS.map((c) => (
            <option key={c} value={c}>
              {m.attention.confirmers[c]}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor={`${p.id}-how`}>{m.attention.method}</label>
        <select
          id={`${p.id}-how`}
          value={extra.proof.method}
          onChange={(e) =>
            set({ ...extra, proof: { ...extra.proof, method: e.target.value as Method } })
          }
        >
          {METHODS.map((x) => (
            <option key={x} value={x}>
              {m.attention.methods[x]}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}

/**
 * The item's safe actions as buttons; the chosen one opens its form. `done` is told what was done
 * (the screen says so: the item itself may leave the list once it is read again).
 */
export function ItemActions(p: { item: Item; id: string; done: (a: Action) => void }) {
  const { item, id } = p;
  const [open, setOpen] = useState<Action | null>(null);
  const [extra, setExtra] = useState<Extra>({
    minutes: 15,
    proof: { confirmed_by: 'customer', method: 'phone_call' },
  });
  return (
    <div className="stack">
      <div className="row" role="group" aria-label={m.attention.act}>
        {item.actions.map((a) => (
          <button
            key={a}
            type="button"
            className={open === a ? undefined : 'secondary'}
            aria-pressed={open === a}
            onClick={() => setOpen(open === a ? null : a)}
          >
            {m.attention.actions[a]}
          </button>
        ))}
      </div>
      {open && (
        <div className="card" data-testid="action-form" data-action={open}>
          <ExtraFields action={open} extra={extra} set={setExtra} id={id} />
          <ReasonForm
            label={m.attention.reasonFor(m.attention.actions[open])}
            action={m.attention.actions[open]}
            act={(reason, key) => send(item, open, reason, key, extra)}
            onDone={() => {
              setOpen(null);
              p.done(open);
              void queryClient.invalidateQueries({ queryKey: ['ops-attention'] });
            }}
          />
        </div>
      )}
    </div>
  );
}
