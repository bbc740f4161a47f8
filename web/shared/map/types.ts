import type { LastmileClient } from '@lastmile/client';
import type { Camera, LngLat, View } from './projection.ts';
import type { MapWords } from './words.ts';

export type { MapWords } from './words.ts';

// What a screen gives the map and hears back from it. Types only, so a screen can name them
// without pulling the map's code out of its own chunk.

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

/** Places a point in the view, in CSS pixels from its top left corner. */
export type Project = (p: LngLat) => { x: number; y: number };

/**
 * What a screen draws itself over the streets on a canvas, in the map's camera: many things that
 * move often (a city's drivers), kept out of React. The map draws it on the next animation frame
 * after the view moved or the overlay said it changed, at most once a frame.
 */
export interface MapOverlay {
  /** The canvas's accessible name: what it shows (the screen lists the same as text beside it). */
  label: string;
  /** Draws everything on the cleared canvas, in CSS pixels. */
  draw(ctx: CanvasRenderingContext2D, project: Project, view: View): void;
  /** Calls `changed` whenever what it draws changed; returns how to stop. */
  subscribe(changed: () => void): () => void;
  /** A tap (or Enter, at the centre) on the map: the overlay picks what it drew there. */
  pick?(at: LngLat, project: Project): void;
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
  /** Drawn on a canvas over the streets, zones and markers; taps pass through to the map. */
  overlay?: MapOverlay;
  /** Called with the camera once the view has settled after a move. */
  onSettle?: (camera: Camera) => void;
}
