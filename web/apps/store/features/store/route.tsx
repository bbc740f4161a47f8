import { createRoute } from '@tanstack/react-router';
import { useMutation, useQuery } from '@tanstack/react-query';
import { type Schemas, unwrap } from '@lastmile/client';
import { ErrorNote, Loading } from '@web/ui.tsx';
import { api, keys, m, queryClient } from '../../app.ts';
import { requireSignIn, rootRoute, useStoreId } from '../../root.tsx';
import { OpeningHours } from './hours.tsx';

type Store = Pick<Schemas['Store'], 'id' | 'status'>;

/** Pause, resume or close the store (`POST /v1/stores/{id}/pause|resume|close`). */
function StatusCard({ store }: { store: Store }) {
  const move = useMutation({
    mutationFn: (to: 'pause' | 'resume' | 'close') => {
      const params = { params: { path: { id: store.id } } };
      if (to === 'pause') return unwrap(api.POST('/v1/stores/{id}/pause', params));
      if (to === 'resume') return unwrap(api.POST('/v1/stores/{id}/resume', params));
      return unwrap(api.POST('/v1/stores/{id}/close', params));
    },
    onSuccess: (s) => queryClient.setQueryData([...keys.store, store.id], s),
  });
  return (
    <div className="card stack">
      <p className="spread">
        <span className="muted">{m.store.status}</span>
        <strong data-testid="store-status" data-status={store.status}>
          {m.storeStatus[store.status]}
        </strong>
      </p>
      <div className="row">
        {store.status === 'open' ? (
          <button type="button" disabled={move.isPending} onClick={() => move.mutate('pause')}>
            {m.store.pause}
          </button>
        ) : (
          <button type="button" disabled={move.isPending} onClick={() => move.mutate('resume')}>
            {m.store.resume}
          </button>
        )}
        {store.status !== 'closed' && (
          <button
            type="button"
            className="secondary"
            disabled={move.isPending}
            onClick={() => move.mutate('close')}
          >
            {m.store.close}
          </button>
        )}
      </div>
      <ErrorNote error={move.error} words={m.problems} />
    </div>
  );
}

function Staff({ storeId }: { storeId: string }) {
  const staff = useQuery({
    queryKey: [...keys.staff, storeId],
    queryFn: () => unwrap(api.GET('/v1/stores/{id}/staff', { params: { path: { id: storeId } } })),
  });
  return (
    <div className="card">
      <h2>{m.store.staff}</h2>
      <ErrorNote error={staff.error} words={m.problems} />
      <ul className="stops" data-testid="staff">
        {(staff.data?.items ?? []).map((s) => (
          <li key={s.id} className="spread">
            <span>{s.name}</span>
            <span className="muted">{s.email}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

function StoreScreen() {
  const storeId = useStoreId();
  const store = useQuery({
    queryKey: [...keys.store, storeId],
    enabled: storeId !== null,
    queryFn: () => unwrap(api.GET('/v1/stores/{id}', { params: { path: { id: storeId ?? '' } } })),
  });
  const s = store.data;
  return (
    <section className="stack">
      <h1>{s?.name ?? m.store.title}</h1>
      {store.isPending && <Loading text={m.loading} />}
      <ErrorNote error={store.error} words={m.problems} />
      {s && <StatusCard store={s} />}
      {s && <OpeningHours store={s} />}
      {storeId && <Staff storeId={storeId} />}
    </section>
  );
}

export const route = createRoute({
  getParentRoute: () => rootRoute,
  path: '/store',
  beforeLoad: requireSignIn,
  component: StoreScreen,
});
