import { Link } from '@tanstack/react-router';
import type { Schemas } from '@lastmile/client';
import { money } from '@web/format.ts';
import { m } from '../../app.ts';

/** One product on the shelf: its price, what is left, and how many are in the cart. */
export function ProductCard(p: {
  storeId: string;
  item: Schemas['StoreProduct'];
  inCart: number;
  busy: boolean;
  onAdd: () => void;
}) {
  const { product, available } = p.item;
  return (
    <li className="card" data-testid="product">
      <h2>
        <Link
          to="/stores/$storeId/products/$productId"
          params={{ storeId: p.storeId, productId: product.id }}
        >
          {product.name}
        </Link>
      </h2>
      <p className="muted">{product.brand}</p>
      <div className="spread">
        <strong>{money(product.price.amount_minor, product.price.currency, m.locale)}</strong>
        <span className="muted">{m.store.left(available)}</span>
      </div>
      <div className="spread">
        <span aria-live="polite">{p.inCart > 0 ? m.store.inCart(p.inCart) : ''}</span>
        {/* Not `disabled` while busy: a disabled button drops the keyboard's focus. */}
        <button
          type="button"
          onClick={() => !p.busy && p.onAdd()}
          aria-disabled={p.busy}
          aria-label={m.store.addNamed(product.name)}
        >
          {m.store.add}
        </button>
      </div>
    </li>
  );
}
