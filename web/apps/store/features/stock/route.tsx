import { createRoute } from '@tanstack/react-router';
import { useInfiniteQuery, useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { type Schemas, unwrap } from '@lastmile/client';
import { ErrorNote, Loading } from '@web/ui.tsx';
import { api, keys, m } from '../../app.ts';
import { requireSignIn, rootRoute, useStoreId } from '../../root.tsx';
import { StockImport } from './import.tsx';

type Item = Schemas['StoreProduct'];

/** A new on-hand count for one product (`PUT /v1/stores/{id}/stock/{productId}`). */
function EditLevel(p: { storeId: string; item: Item; done: (s: Schemas['Stock']) => void }) {
  const [onHand, setOnHand] = useState(p.item.available);
  const [reason, setReason] = useState(m.stock.defaultReason);
  const save = useMutation({
    mutationFn: () =>
      unwrap(
        api.PUT('/v1/stores/{id}/stock/{productId}', {
          params: { path: { id: p.storeId, productId: p.item.product.id } },
          body: { on_hand: onHand, reason: reason.trim() },
        }),
      ),
    onSuccess: p.done,
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  const id = p.item.product.id;
  return (
    <form className="row" onSubmit={submit} aria-label={m.stock.editNamed(p.item.product.name)}>
      <label htmlFor={`on-hand-${id}`}>{m.stock.onHand}</label>
      <input
        id={`on-hand-${id}`}
        type="number"
        min={0}
        required
        value={onHand}
        onChange={(e) => setOnHand(Math.max(0, Math.floor(Number(e.target.value))))}
      />
      <label htmlFor={`reason-${id}`}>{m.stock.reason}</label>
      <input
        id={`reason-${id}`}
        required
        minLength={3}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
      />
      <button type="submit" disabled={save.isPending}>
        {m.stock.save}
      </button>
      <ErrorNote error={save.error} words={m.problems} />
    </form>
  );
}

function StockRow({ storeId, item }: { storeId: string; item: Item }) {
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState<number | null>(null);
  return (
    <li data-testid="stock-row" data-sku={item.product.sku}>
      <div className="spread">
        <span>
          <strong>{item.product.name}</strong> <span className="muted">{item.product.sku}</span>
        </span>
        <span>
          {m.stock.available}: <span data-testid="available">{saved ?? item.available}</span>{' '}
          <button type="button" className="secondary" onClick={() => setEditing(!editing)}>
            {editing ? m.stock.cancel : m.stock.edit}
          </button>
        </span>
      </div>
      {editing && (
        <EditLevel
          storeId={storeId}
          item={item}
          done={(s) => {
            setSaved(s.available);
            setEditing(false);
          }}
        />
      )}
    </li>
  );
}

function StockScreen() {
  const storeId = useStoreId();
  const list = useInfiniteQuery({
    queryKey: [...keys.products, storeId],
    enabled: storeId !== null,
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/v1/stores/{id}/products', {
          params: { path: { id: storeId ?? '' }, query: { limit: 50, cursor: pageParam } },
        }),
      ),
    getNextPageParam: (page) => page.next_cursor ?? undefined,
  });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section className="stack">
      <h1>{m.stock.title}</h1>
      {storeId && <StockImport storeId={storeId} />}
      {list.isPending && <Loading text={m.loading} />}
      <ErrorNote error={list.error} words={m.problems} />
      <ul className="stops card" data-testid="stock">
        {storeId && items.map((i) => <StockRow key={i.product.id} storeId={storeId} item={i} />)}
      </ul>
      {list.hasNextPage && (
        <button type="button" className="secondary" onClick={() => void list.fetchNextPage()}>
          {m.stock.more}
        </button>
      )}
    </section>
  );
}

export const route = createRoute({
  getParentRoute: () => rootRoute,
  path: '/stock',
  beforeLoad: requireSignIn,
  component: StockScreen,
});
