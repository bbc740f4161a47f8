import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { type Schemas, unwrap } from '@lastmile/client';
import type { LngLat } from '@web/map/lazy.tsx';
import { api, m } from '../../app.ts';
import { defaultCity, openingView } from './city-choice.ts';

// The cities lastmile serves (`GET /v1/places/cities`): the place screen's map opens on one before
// a point is chosen, and a select switches between them when there are several.

export type City = Schemas['City'];

/** A list that changes when street data is loaded or a store opens: kept a few minutes. */
const CITIES_STALE_MS = 5 * 60_000;

/**
 * The served cities, the one shown (chosen in the select, else the one nearest `saved`, else the
 * one with the most stores) and where the map opens: on that city when nothing is saved or once a
 * city is chosen (`fitKey` changes, so the map moves there); else null (the saved place's view).
 */
export function useServedCities(saved: LngLat | null) {
  const q = useQuery({
    queryKey: ['places', 'cities'],
    queryFn: ({ signal }) => unwrap(api.GET('/v1/places/cities', { signal })),
    staleTime: CITIES_STALE_MS,
  });
  const [chosen, setChosen] = useState<string | null>(null);
  const cities = q.data?.items ?? [];
  const city = cities.find((c) => c.key === chosen) ?? defaultCity(cities, saved);
  const opening =
    city && (chosen !== null || !saved)
      ? { fit: openingView(city), fitKey: `city:${city.key}` }
      : null;
  return { cities, city, choose: setChosen, opening };
}

/** The select of the served cities, shown only when there are several. */
export function CitySelect(p: {
  cities: readonly City[];
  value: string | undefined;
  choose: (key: string) => void;
}) {
  if (p.cities.length < 2 || p.value === undefined) return null;
  return (
    <>
      <label htmlFor="city" className="muted">
        {m.place.city}
      </label>
      <select
        id="city"
        className="auto-width"
        value={p.value}
        onChange={(e) => p.choose(e.target.value)}
      >
        {p.cities.map((c) => (
          <option key={c.key} value={c.key}>
            {c.name}
          </option>
        ))}
      </select>
    </>
  );
}
