import type { AttentionItem, AttentionSource } from '../../platform/attention/attention.ts';
import type { AttentionSettings } from '../../platform/config-settings-attention.ts';
import type { Db } from '../../platform/db/pool.ts';
import type { GeoIndex, GeoPoint } from '../../platform/geo/port.ts';
import { dispatchAttentionRepository } from './dispatch-attention.repository.ts';

export interface DispatchAttentionDeps {
  db: Db;
  /** The drivers' live positions (the drivers module's geo index). */
  positions: GeoIndex;
  settings: AttentionSettings;
}

/** `offer_untaken`: trips waiting for a driver too long, or after too many offers nobody took. */
function untakenOffers(deps: DispatchAttentionDeps): AttentionSource {
  const repo = dispatchAttentionRepository(deps.db);
  return {
    kind: 'offer_untaken',
    async items(q) {
      const rows = await repo.untaken({
        now: q.now,
        afterS: deps.settings.offerUntakenS,
        offers: deps.settings.offerUntakenOffers,
        storeId: q.storeId,
        limit: q.limit + 1,
      });
      return rows.flatMap((t): AttentionItem[] => {
        const orderId = t.order_ids[0];
        if (!orderId) return [];
        const waitingS = Math.max(
          0,
          Math.round((q.now.getTime() - t.dispatch_at.getTime()) / 1000),
        );
        return [
          {
            kind: 'offer_untaken',
            key: t.id,
            order_id: orderId,
            trip_id: t.id,
            store_id: t.store_id,
            since: t.since,
            summary: `No driver has taken the trip: ${t.offers_made} offers, waiting ${Math.round(waitingS / 60)} min`,
            detail: {
              trip_status: t.status,
              order_ids: t.order_ids,
              dispatch_at: t.dispatch_at.toISOString(),
              waiting_s: waitingS,
              offers_made: t.offers_made,
              round: t.round,
              priority: t.priority,
              escalated_at: t.escalated_at?.toISOString() ?? null,
            },
          },
        ];
      });
    },
  };
}

/** Each driver's last position in the index, a few at a time. */
async function lastPositions(
  positions: GeoIndex,
  ids: readonly string[],
): Promise<Map<string, GeoPoint | null>> {
  const out = new Map<string, GeoPoint | null>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += 100) {
    const chunk = unique.slice(i, i + 100);
    const got = await Promise.all(chunk.map((id) => positions.get(id)));
    chunk.forEach((id, j) => out.set(id, got[j] ?? null));
  }
  return out;
}

/** Deliveries under way read per round while looking for silent drivers. */
const SCAN = 2000;

/** `position_silent`: deliveries under way whose driver has sent no position for a while. */
function silentPositions(deps: DispatchAttentionDeps): AttentionSource {
  const repo = dispatchAttentionRepository(deps.db);
  return {
    kind: 'position_silent',
    async items(q) {
      const quietMs = deps.settings.positionSilentS * 1000;
      const before = new Date(q.now.getTime() - quietMs);
      const rows = await repo.underWaySince({ before, storeId: q.storeId, limit: SCAN });
      const last = await lastPositions(
        deps.positions,
        rows.flatMap((r) => (r.driver_id ? [r.driver_id] : [])),
      );
      const items: AttentionItem[] = [];
      for (const d of rows) {
        if (!d.driver_id) continue;
        const fix = last.get(d.driver_id) ?? null;
        const heard = Math.max(fix?.at ?? 0, d.status_at.getTime());
        if (heard > before.getTime()) continue;
        items.push({
          kind: 'position_silent',
          key: d.id,
          order_id: d.order_id,
          trip_id: d.trip_id,
          store_id: d.store_id,
          since: new Date(heard + quietMs),
          summary: `The driver has sent no position for ${Math.round((q.now.getTime() - heard) / 60_000)} min (${d.status})`,
          detail: {
            delivery_id: d.id,
            delivery_status: d.status,
            driver_id: d.driver_id,
            last_position_at: fix ? new Date(fix.at).toISOString() : null,
          },
        });
      }
      items.sort((a, b) => a.since.getTime() - b.since.getTime() || (a.key < b.key ? -1 : 1));
      return items.slice(0, q.limit + 1);
    },
  };
}

/** Dispatch's contributions to the ops console's attention list. */
export const dispatchAttention = (deps: DispatchAttentionDeps): AttentionSource[] => [
  untakenOffers(deps),
  silentPositions(deps),
];
