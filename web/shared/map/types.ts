import type { LastmileClient } from '@lastmile/client';
import type { Camera, LngLat } from './projection.ts';

// What a screen gives the map and hears back from it. Types only, so a screen can name them
// without pulling the map's code out of its own chunk.

/** The map's words (each app's messages carry them, from `mapWords` in shared/messages.ts). */
export interface MapWords {
  /** The map's accessible name, saying how to move it. */
  label: string;
  /** Added to the name where a tap (or Enter, at the centre) sets the pin. */
  pick: string;
  zoomIn: string;
  zoomOut: string;
  /** The streets could not be loaded (the markers are still shown). */
  failed: string;
}

/** What a marker stands for: its shape and colour. */
export type MarkerKind = 'store' | 'driver' | 'destination' | 'pin';

export interface Marker extends LngLat {
  /** Unique on the map; a marker keeps its element as it moves. */
  id: string;
  kind: MarkerKind;
  /** Its accessible name and tooltip. */
  title: string;
  /** A short mark drawn on it (a stop's number). */
  badge?: string;
}

export interface MapProps {
  api: LastmileClient;
  words: MapWords;
  /** The points the first view shows (again whenever the list's `fitKey` changes). */
  fit: LngLat[];
  /** Changing it fits the view to `fit` again (another order, another trip). */
  fitKey?: string;
  /** The view moves here whenever this changes (a search result, a located phone). */
  focus?: LngLat | null;
  markers: Marker[];
  /** Draws the stores' delivery zones under the streets. */
  zones?: boolean;
  /** Called with the point tapped (or the centre, on Enter); the map sets no pin itself. */
  onPick?: (p: LngLat) => void;
  /** Called with the camera once the view has settled after a move. */
  onSettle?: (camera: Camera) => void;
}
