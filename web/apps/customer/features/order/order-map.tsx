import { useQuery } from '@tanstack/react-query';
import { type Schemas, unwrap } from '@lastmile/client';
import { type Marker, StreetMap } from '@web/map/lazy.tsx';
import type { Tracking } from '@web/tracking.ts';
import { api, m } from '../../app.ts';

// The order on the map: its store, its door and, while a courier has it, the courier's position
// as the tracking socket brings it (the marker moves with each one).

/** `GET /v1/stores/{id}`: where the store is. */
const storeQuery = (id: string) => ({
  queryKey: ['store', id],
  queryFn: () => unwrap(api.GET('/v1/stores/{id}', { params: { path: { id } } })),
  staleTime: 10 * 60_000,
});

export function OrderMap(p: {
  order: Schemas['Order'];
  driver: Tracking['driver'];
  withCourier: boolean;
}) {
  const store = useQuery(storeQuery(p.order.store_id));
  const door = { lat: p.order.delivery.lat, lng: p.order.delivery.lng };
  const s = store.data;
  const markers: Marker[] = [
    ...(s ? [{ id: 'store', kind: 'store' as const, title: s.name, lat: s.lat, lng: s.lng }] : []),
    { id: 'door', kind: 'destination', title: m.order.door, ...door },
    ...(p.withCourier && p.driver
      ? [{ id: 'driver', kind: 'driver' as const, title: m.order.courier, ...p.driver }]
      : []),
  ];
  return (
    <div className="card" data-testid="order-map">
      <StreetMap
        api={api}
        words={m.map}
        fit={s ? [door, { lat: s.lat, lng: s.lng }] : [door]}
        fitKey={p.order.id}
        markers={markers}
      />
    </div>
  );
}
