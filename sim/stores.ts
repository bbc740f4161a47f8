import { rngFor } from '../src/cli/seed-random.ts';
import { note, persist, type SimState, type SimStore, sleep } from './state.ts';

const STORE_POLL_S = 4;

interface OrderSummary {
  id: string;
  status: string;
  lines?: Array<{ product_id: string; quantity: number }>;
}

/**
 * Store staff: accept what came in after a moment's look, pick and pack, mark ready. The counter
 * is a loop over what the API says is waiting, so an answer lost to a crashed API process is
 * simply tried again on the next look (with the same Idempotency-Key).
 */
export async function runStore(s: SimState, store: SimStore): Promise<void> {
  const firstSeen = new Map<string, number>();
  const readyDue = new Map<string, number>();
  const busy = new Set<string>();
  const token = store.token;
  const rngOf = (id: string) => rngFor(`sim:${s.cfg.seed}:order:${id}`);
  let attempt = 0;
  /** A key per attempt: its retries after a lost answer replay, a later attempt asks anew. */
  const keyOf = (what: string, id: string) => `${what}-${id}-${++attempt}`;
  const act = (id: string, work: () => Promise<void>) => {
    if (busy.has(id)) return;
    busy.add(id);
    void work()
      .catch((err: unknown) => note(s, `store ${store.index} order ${id}`, err))
      .finally(() => busy.delete(id));
  };
  const list = async (status: string) => {
    const res = await s.api.call<{ items: OrderSummary[] }>(
      'GET',
      `/v1/orders?status=${status}&limit=100`,
      { token },
    );
    return res.status === 200 ? res.body.items : [];
  };
  while (!s.stopping) {
    try {
      const now = Date.now();
      for (const o of await list('authorized')) {
        const v = s.orders.get(o.id)?.visit;
        const seen = firstSeen.get(o.id) ?? now;
        firstSeen.set(o.id, seen);
        if (now < seen + (v?.storeAcceptAfterS ?? 5 + rngOf(o.id)() * 30) * 1000) continue;
        act(o.id, async () => {
          if (v?.storeRejects) {
            const key = keyOf('reject', o.id);
            await persist(s, () =>
              s.api.call('POST', `/v1/orders/${o.id}/reject`, {
                token,
                body: { reason: 'items damaged' },
                key,
              }),
            );
            return;
          }
          const acceptKey = keyOf('accept', o.id);
          const accepted = await persist(s, () =>
            s.api.call('POST', `/v1/orders/${o.id}/accept`, { token, key: acceptKey }),
          );
          if (accepted?.status !== 200) return;
          const t = s.orders.get(o.id);
          if (t) t.acceptedAt = Date.now();
          readyDue.set(o.id, Date.now() + (v?.prepS ?? store.prepMeanS) * 1000);
          const preparingKey = keyOf('preparing', o.id);
          await persist(s, () =>
            s.api.call('POST', `/v1/orders/${o.id}/preparing`, { token, key: preparingKey }),
          );
        });
      }
      for (const o of await list('accepted')) {
        const key = keyOf('preparing', o.id);
        act(
          o.id,
          async () =>
            void (await persist(s, () =>
              s.api.call('POST', `/v1/orders/${o.id}/preparing`, { token, key }),
            )),
        );
      }
      for (const o of await list('preparing')) {
        const due = readyDue.get(o.id) ?? now + store.prepMeanS * 1000;
        readyDue.set(o.id, due);
        if (now < due) continue;
        act(o.id, async () => {
          const t = s.orders.get(o.id);
          let picked: Array<{ product_id: string; quantity: number }> = [];
          if (t?.visit.missingItem) {
            const detail = await persist(s, () =>
              s.api.call<OrderSummary>('GET', `/v1/orders/${o.id}`, { token }),
            );
            const line = detail?.body.lines?.[0];
            if (line) picked = [{ product_id: line.product_id, quantity: line.quantity - 1 }];
          }
          const readyKey = keyOf('ready', o.id);
          const ready = await persist(s, () =>
            s.api.call('POST', `/v1/orders/${o.id}/ready`, {
              token,
              body: { picked },
              key: readyKey,
            }),
          );
          if (ready?.status === 200 && t) t.readyAt = Date.now();
        });
      }
    } catch (err) {
      note(s, `store ${store.index} counter`, err);
    }
    await sleep(STORE_POLL_S * 1000);
  }
}
