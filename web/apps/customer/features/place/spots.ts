import type { Place } from '../../app.ts';

/**
 * Spots in the demo city (Berlin Mitte and around), all inside the demo stores' zones. The
 * street-address search replaces this list once lastmile serves its own street data.
 */
export const SPOTS: readonly Place[] = [
  { label: 'Berlin Mitte, Torstraße 1', lat: 52.52, lng: 13.405 },
  { label: 'Alexanderplatz 1', lat: 52.5219, lng: 13.4132 },
  { label: 'Hackescher Markt 2', lat: 52.5225, lng: 13.402 },
  { label: 'Rosenthaler Platz 3', lat: 52.5297, lng: 13.4013 },
];
