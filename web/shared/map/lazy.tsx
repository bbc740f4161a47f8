import { lazy, Suspense } from 'react';
import type { MapProps } from './types.ts';

// The map as a screen uses it: its code (`map.tsx` and what only it needs) is a chunk of its own,
// `map-*.js`, fetched the first time a map is shown. Until then its box stands empty at the size
// the map will have, so nothing moves when it arrives.

const MapView = lazy(() => import('./map.tsx'));

/** The map of lastmile's own streets with the screen's markers (see types.ts for its props). */
export function StreetMap(props: MapProps) {
  return (
    <Suspense fallback={<div className="map" aria-busy="true" />}>
      <MapView {...props} />
    </Suspense>
  );
}

export type { Marker, MapOverlay, MapProps, MapWords, Project } from './types.ts';
export type { Camera, LngLat, View } from './projection.ts';
