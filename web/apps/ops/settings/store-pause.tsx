import { useState } from 'react';
import { type Schemas, unwrap } from '@lastmile/client';
import { ErrorNote, Loading, MoreButton } from '@web/ui.tsx';
import { api, m, queryClient } from '../app.ts';
import { ReasonForm } from '../reason-form.tsx';
import { DataTable, usePages } from '../table.tsx';

/** What this section needs of a store. */
type Store = Pick<Schemas['Store'], 'id' | 'name' | 'status'>;

const setStatus = (store: Store, action: 'pause' | 'resume', reason: string, key: string) => {
  const params = { path: { id: store.id }, header: { 'idempotency-key': key } };
  return unwrap(
    action === 'pause'
      ? api.POST('/v1/stores/{id}/pause', { params, body: { reason } })
      : api.POST('/v1/stores/{id}/resume', { params, body: { reason } }),
  );
};

function StoreTable({ stores, picked }: { stores: readonly Store[]; picked: string }) {
  const w = m.settings.stores;
  return (
    <DataTable
      testId="stores"
      caption={m.settings.sections.storePause}
      words={w}
      columns={['store', 'status']}
    >
      {stores.map((s) => (
        <tr
          key={s.id}
          data-store-id={s.id}
          data-status={s.status}
          aria-current={s.id === picked ? 'true' : undefined}
        >
          <td>{s.name}</td>
          <td>
            <span className={`badge ${s.status === 'open' ? 'good' : ''}`}>
              {w.storeStatus[s.status]}
            </span>
          </td>
        </tr>
      ))}
    </DataTable>
  );
}

/**
 * Every store with its status; an ops admin pauses an open one or resumes a paused one (anyone
 * else is told so by the API's refusal).
 */
export function StorePause() {
  const w = m.settings.stores;
  const queryKey = ['ops-settings', 'stores'];
  const { list, items: stores } = usePages({
    key: queryKey,
    page: (cursor) => unwrap(api.GET('/v1/stores', { params: { query: { limit: 100, cursor } } })),
  });
  const [picked, pick] = useState('');
  const store = stores.find((s) => s.id === picked);
  const action = store?.status === 'paused' ? 'resume' : 'pause';
  return (
    <div className="stack">
      <p className="muted">{w.intro}</p>
      {list.isPending && <Loading text={m.loading} />}
      <ErrorNote error={list.error} words={m.problems} />
      {list.data && stores.length === 0 && <p className="muted">{w.none}</p>}
      {stores.length > 0 && <StoreTable stores={stores} picked={picked} />}
      <MoreButton query={list} label={w.more} />
      {stores.length > 0 && (
        <div className="narrow">
          <label htmlFor="store-pick">{w.pick}</label>
          <select id="store-pick" value={picked} onChange={(e) => pick(e.target.value)}>
            <option value="">{w.store}</option>
            {stores.map((s) => (
              <option key={s.id} value={s.id}>
                {`${s.name} · ${w.storeStatus[s.status]}`}
              </option>
            ))}
          </select>
        </div>
      )}
      {store?.status === 'closed' && <p className="muted">{w.closedNote}</p>}
      {store && store.status !== 'closed' && (
        <ReasonForm
          key={`${store.id}-${store.status}`}
          label={action === 'pause' ? w.reasonPause(store.name) : w.reasonResume(store.name)}
          action={action === 'pause' ? w.pause : w.resume}
          act={(reason, key) => setStatus(store, action, reason, key)}
          onDone={() => void queryClient.invalidateQueries({ queryKey })}
        />
      )}
    </div>
  );
}
