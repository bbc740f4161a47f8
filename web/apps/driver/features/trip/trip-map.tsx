import { useSyncExternalStore } from 'react';
import type { Schemas } from '@lastmile/client';
import { type Marker, StreetMap } from '@web/map/lazy.tsx';
import { api, m, reporter } from '../../app.ts';

// The job on the map: the store, each drop-off numbered in its order, and the driver's own
// position as the phone reports it.

export function TripMap({ trip }: { trip: Schemas['Trip'] }) {
  const me = useSyncExternalStore(reporter.subscribe, () => reporter.last);
  const markers: Marker[] = [
    { id: 'store', kind: 'store', title: m.trip.store, ...trip.pickup },
    ...trip.deliveries.map((d, i): Marker => ({
      id: d.id,
      kind: 'destination',
      title: `${m.trip.dropoff(i + 1)}: ${d.dropoff.address}`,
      badge: String(i + 1),
      lat: d.dropoff.lat,
      lng: d.dropoff.lng,
    })),
    ...(me
      ? [{ id: 'me', kind: 'driver' as const, title: m.trip.you, lat: me.lat, lng: me.lng }]
      : []),
  ];
  return (
    <StreetMap
      api={api}
      words={m.map}
      fit={[trip.pickup, ...trip.deliveries.map((d) => d.dropoff)]}
      fitKey={trip.id}
      markers={markers}
    />
  );
}
