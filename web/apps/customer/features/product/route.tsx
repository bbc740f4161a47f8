import { createRoute, Link } from '@tanstack/react-router';
import { useQuery } from '@tanstack/react-query';
import { codeOf } from '@web/problems.ts';
import { ErrorNote, Loading } from '@web/ui.tsx';
import { m } from '../../app.ts';
import { requirePlace, rootRoute } from '../../root.tsx';
import { useCart, useSetLine } from '../cart/cart.ts';
import { LineError } from '../cart/line-error.tsx';
import { shelfItemQuery, storeQuery } from '../store/queries.ts';
import { ProductDetails } from './details.tsx';

/** The most units of a product one cart line may ask for, until the cart says its own limit. */
const LINE_MAX = 99;

function ProductPage() {
  const { storeId, productId } = route.useParams();
  const store = useQuery(storeQuery(storeId));
  const item = useQuery(shelfItemQuery(storeId, productId));
  const cart = useCart();
  const setLine = useSetLine();
  const c = cart.data;
  const line = c && c.store_id === storeId && c.lines.find((l) => l.product_id === productId);
  const inCart = line ? line.quantity : 0;
  const code = codeOf(item.error);
  const missing = code === 'NOT_FOUND' || code === 'VALIDATION_FAILED';
  return (
    <section>
      <Link to="/stores/$storeId" params={{ storeId }}>
        {m.product.back(store.data?.name ?? m.nav.stores)}
      </Link>
      {item.isPending && <Loading text={m.loading} />}
      {missing ? (
        <p role="alert" className="alert" data-testid="product-not-found">
          {m.product.notFound}
        </p>
      ) : (
        <ErrorNote error={item.error} words={m.problems} />
      )}
      <LineError setLine={setLine} />
      {item.data && (
        <ProductDetails
          item={item.data}
          inCart={inCart}
          limit={c?.limits.units_per_product ?? LINE_MAX}
          busy={setLine.isPending}
          onSet={(quantity) =>
            setLine.mutate({ store_id: storeId, product_id: productId, quantity })
          }
        />
      )}
    </section>
  );
}

export const route = createRoute({
  getParentRoute: () => rootRoute,
  path: '/stores/$storeId/products/$productId',
  beforeLoad: requirePlace,
  component: ProductPage,
});
