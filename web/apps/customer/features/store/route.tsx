import { createRoute, Link, useNavigate } from '@tanstack/react-router';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ErrorNote, Loading, MoreButton } from '@web/ui.tsx';
import { m } from '../../app.ts';
import { requirePlace, rootRoute } from '../../root.tsx';
import { useCart, useSetLine } from '../cart/cart.ts';
import { LineError } from '../cart/line-error.tsx';
import { ProductCard } from './product-card.tsx';
import { aislesQuery, productsQuery, storeQuery } from './queries.ts';
import { StoreClosed } from './store-closed.tsx';

type Search = { category?: string; q?: string };

function Aisles({ storeId, search }: { storeId: string; search: Search }) {
  const aisles = useQuery(aislesQuery);
  const navigate = useNavigate();
  const [text, setText] = useState(search.q ?? '');
  const go = (next: Search) =>
    void navigate({ to: '/stores/$storeId', params: { storeId }, search: next });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    go({ ...search, q: text.trim() || undefined });
  };
  return (
    <div className="row">
      <form role="search" className="row" onSubmit={submit}>
        <label htmlFor="q" className="muted">
          {m.store.search}
        </label>
        <input
          id="q"
          type="search"
          maxLength={100}
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
      </form>
      <label htmlFor="aisle" className="muted">
        {m.store.aisle}
      </label>
      <select
        id="aisle"
        value={search.category ?? ''}
        onChange={(e) => go({ ...search, category: e.target.value || undefined })}
      >
        <option value="">{m.store.allAisles}</option>
        {(aisles.data ?? []).map((a) => (
          <option key={a.id} value={a.id}>
            {a.name}
          </option>
        ))}
      </select>
    </div>
  );
}

function StorePage() {
  const { storeId } = route.useParams();
  const search = route.useSearch();
  const store = useQuery(storeQuery(storeId));
  const products = useInfiniteQuery(productsQuery(storeId, search.category, search.q));
  const cart = useCart();
  const setLine = useSetLine();
  const inCart = (id: string) =>
    cart.data?.store_id === storeId
      ? (cart.data?.lines.find((l) => l.product_id === id)?.quantity ?? 0)
      : 0;
  const items = products.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section>
      <Link to="/stores">{m.store.back}</Link>
      <h1>{store.data?.name ?? m.loading}</h1>
      <p className="muted">{store.data?.address}</p>
      <StoreClosed storeId={storeId} />
      <ErrorNote error={store.error} words={m.problems} />
      <Aisles storeId={storeId} search={search} />
      <LineError setLine={setLine} />
      {products.isPending && <Loading text={m.loading} />}
      <ErrorNote error={products.error} words={m.problems} />
      {products.isSuccess && items.length === 0 && <p>{m.store.none}</p>}
      <ul className="grid" data-testid="products">
        {items.map((item) => (
          <ProductCard
            key={item.product.id}
            storeId={storeId}
            item={item}
            inCart={inCart(item.product.id)}
            busy={setLine.isPending}
            onAdd={() =>
              setLine.mutate({
                store_id: storeId,
                product_id: item.product.id,
                quantity: Math.min(99, inCart(item.product.id) + 1),
              })
            }
          />
        ))}
      </ul>
      <MoreButton query={products} label={m.store.more} />
    </section>
  );
}

const text = (v: unknown, pattern: RegExp) =>
  typeof v === 'string' && pattern.test(v) ? v : undefined;

export const route = createRoute({
  getParentRoute: () => rootRoute,
  path: '/stores/$storeId',
  beforeLoad: requirePlace,
  validateSearch: (s: Record<string, unknown>): Search => {
    const category = text(s.category, /^[a-z0-9-]{1,60}$/);
    const q = text(s.q, /^.{1,100}$/s);
    return { ...(category ? { category } : {}), ...(q ? { q } : {}) };
  },
  component: StorePage,
});
