import { codeOf } from '@web/problems.ts';
import { ErrorNote } from '@web/ui.tsx';
import { m } from '../../app.ts';
import { useEmptyCart, type useSetLine } from './cart.ts';

/**
 * Why a cart change failed. A cart at another store is the one the customer can settle here:
 * empty it, then shop at this store.
 */
export function LineError({ setLine }: { setLine: ReturnType<typeof useSetLine> }) {
  const emptyCart = useEmptyCart();
  if (codeOf(setLine.error) !== 'CONFLICT')
    return <ErrorNote error={setLine.error ?? emptyCart.error} words={m.problems} />;
  return (
    <div role="alert" className="alert">
      {m.cart.otherStore}{' '}
      <button
        type="button"
        className="secondary"
        onClick={() => emptyCart.mutate(undefined, { onSuccess: () => setLine.reset() })}
      >
        {m.cart.emptyIt}
      </button>
    </div>
  );
}
