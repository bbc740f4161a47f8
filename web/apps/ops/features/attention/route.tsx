import { createRoute, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { type Schemas, unwrap } from '@lastmile/client';
import { dateTimeSeconds } from '@web/format.ts';
import { ErrorNote, Loading, MoreButton } from '@web/ui.tsx';
import { api, m } from '../../app.ts';
import { FilterForm, SelectField, TextField, UUID_PATTERN } from '../../fields.tsx';
import { requireSignIn, rootRoute } from '../../root.tsx';
import { OrderLink, usePages } from '../../table.tsx';
import { type Action, ItemActions } from './actions.tsx';

type Item = Schemas['AttentionItem'];
type Kind = Item['kind'];

const KINDS: readonly Kind[] = ['order_late', 'workflow_stuck', 'offer_untaken', 'position_silent'];
/** The list is read again this often while the screen is open. */
const REFRESH_MS = 10_000;

interface Search {
  kind?: Kind;
  store_id?: string;
}

const searchOf = (q: Record<string, unknown>): Search => ({
  ...(KINDS.some((k) => k === q.kind) ? { kind: q.kind as Kind } : {}),
  ...(typeof q.store_id === 'string' && q.store_id.trim() ? { store_id: q.store_id.trim() } : {}),
});

function Filter(p: { value: Search; onFilter: (s: Search) => void }) {
  const [kind, setKind] = useState<Kind | ''>(p.value.kind ?? '');
  const [store, setStore] = useState(p.value.store_id ?? '');
  const filter = () =>
    p.onFilter({ ...(kind ? { kind } : {}), ...(store.trim() ? { store_id: store.trim() } : {}) });
  return (
    <FilterForm label={m.attention.title} submit={m.attention.filter} onFilter={filter}>
      <SelectField
        id="attention-kind"
        label={m.attention.kind}
        value={kind}
        onChange={setKind}
        values={KINDS}
        words={m.attention.kinds}
        any={m.attention.anyKind}
      />
      <TextField
        id="attention-store"
        label={m.attention.store}
        value={store}
        maxLength={36}
        pattern={UUID_PATTERN}
        onChange={setStore}
      />
    </FilterForm>
  );
}

function Entry({ item, done }: { item: Item; done: (a: Action) => void }) {
  const id = `${item.kind}-${item.order_id}-${item.trip_id ?? ''}`;
  return (
    <li data-kind={item.kind} data-order-id={item.order_id} data-testid="attention-item">
      <div className="spread">
        <span>
          <strong className="badge">{m.attention.kinds[item.kind]}</strong>{' '}
          <strong>{item.summary}</strong>
          <br />
          <OrderLink id={item.order_id} />
        </span>
        <span className="muted">
          {m.attention.overdue(Math.floor(item.overdue_s / 60))}
          <br />
          <time dateTime={item.since}>{dateTimeSeconds(item.since, m.locale)}</time>
        </span>
      </div>
      <details>
        <summary>{m.attention.details}</summary>
        <pre className="json">{JSON.stringify(item.detail, null, 2)}</pre>
      </details>
      {item.actions.length > 0 && <ItemActions item={item} id={id} done={done} />}
    </li>
  );
}

function AttentionScreen() {
  const search = route.useSearch();
  const navigate = useNavigate();
  const [done, setDone] = useState<{ action: Action; orderId: string } | null>(null);
  const { list, items } = usePages({
    key: ['ops-attention', search],
    page: (cursor) =>
      unwrap(api.GET('/v1/ops/attention', { params: { query: { ...search, cursor } } })),
    refetchInterval: REFRESH_MS,
  });
  const gaps = list.data?.pages[0]?.gaps ?? [];
  return (
    <section className="stack">
      <h1>{m.attention.title}</h1>
      <p className="muted">{m.attention.intro}</p>
      <Filter
        key={JSON.stringify(search)}
        value={search}
        onFilter={(s) => void navigate({ to: '/attention', search: s })}
      />
      <p role="status" data-testid="done" className="one-line">
        {done ? m.attention.done(m.attention.actions[done.action], done.orderId) : ''}
      </p>
      {list.isPending && <Loading text={m.loading} />}
      <ErrorNote error={list.error} words={m.problems} />
      {gaps.length > 0 && (
        <p className="alert" role="status">
          {m.attention.gaps(gaps.map((k) => m.attention.kinds[k]).join(', '))}
        </p>
      )}
      {list.data && items.length === 0 && <p className="muted">{m.attention.none}</p>}
      <ul className="stops card" data-testid="attention">
        {items.map((item) => (
          <Entry
            key={`${item.kind}-${item.order_id}-${item.trip_id ?? ''}`}
            item={item}
            done={(action) => setDone({ action, orderId: item.order_id })}
          />
        ))}
      </ul>
      <MoreButton query={list} label={m.attention.more} />
    </section>
  );
}

export const route = createRoute({
  getParentRoute: () => rootRoute,
  path: '/attention',
  validateSearch: searchOf,
  beforeLoad: requireSignIn,
  component: AttentionScreen,
});
