import { useQuery } from '@tanstack/react-query';
import { m } from '../../app.ts';
import { storeQuery } from './queries.ts';

/**
 * Says so when the store stopped taking orders (paused or closed) while the customer shops: the
 * store is read again on every visit of a screen showing this, and every 30 s while it is open.
 */
export function StoreClosed({ storeId }: { storeId: string }) {
  const store = useQuery({ ...storeQuery(storeId), staleTime: 0, refetchInterval: 30_000 });
  const s = store.data;
  if (!s || s.status === 'open') return null;
  return (
    <p role="status" className="alert" data-testid="store-closed" data-status={s.status}>
      {m.store.closed(s.name)}
    </p>
  );
}
