import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { type KeyboardEvent, useEffect, useId, useState } from 'react';
import { type Schemas, unwrap } from '@lastmile/client';
import type { LngLat } from '@web/map/lazy.tsx';
import { ErrorNote } from '@web/ui.tsx';
import { api, m } from '../../app.ts';

// The address search: what is typed, once the typing pauses, is looked up among lastmile's
// addresses near the map's view (`GET /v1/places/search`); the answers are a listbox under the
// field (a combobox: the arrow keys move through it, Enter picks, Escape closes).

export type FoundPlace = Schemas['Place'];

const TYPING_PAUSE_MS = 250;
const MIN_CHARS = 2;
const LIMIT = 8;

function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/** `GET /v1/places/search` near a point (rounded to ~1 km, so a small pan reuses the answer). */
function usePlaceSearch(text: string, near: LngLat | null) {
  const q = useDebounced(text.trim(), TYPING_PAUSE_MS);
  const round = (v: number) => Math.round(v * 100) / 100;
  const at = near ? { lat: round(near.lat), lng: round(near.lng) } : null;
  return useQuery({
    queryKey: ['places', 'search', q, at?.lat, at?.lng],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/v1/places/search', {
          params: { query: { q, limit: LIMIT, ...(at ?? {}) } },
          signal,
        }),
      ),
    enabled: q.length >= MIN_CHARS,
    placeholderData: keepPreviousData,
    staleTime: 5 * 60_000,
  });
}

export function AddressSearch(p: { near: LngLat | null; onChoose: (place: FoundPlace) => void }) {
  const id = useId();
  const [text, setText] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const search = usePlaceSearch(text, p.near);
  const items = text.trim().length >= MIN_CHARS ? (search.data?.items ?? []) : [];
  const shown = open && items.length > 0;
  const choose = (place: FoundPlace) => {
    setText(place.label);
    setOpen(false);
    setActive(-1);
    p.onChoose(place);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    const n = items.length;
    if (e.key === 'ArrowDown' && n > 0) setActive(open ? (active + 1) % n : 0);
    else if (e.key === 'ArrowUp' && n > 0) setActive(open ? (active - 1 + n) % n : n - 1);
    else if (e.key === 'Enter' && shown && items[active]) choose(items[active]);
    else if (e.key === 'Escape' && open) setOpen(false);
    else return;
    e.preventDefault();
    if (e.key.startsWith('Arrow')) setOpen(true);
  };
  return (
    <div className="combobox">
      <label htmlFor={`${id}-q`}>{m.place.search}</label>
      <input
        id={`${id}-q`}
        type="search"
        role="combobox"
        autoComplete="off"
        aria-autocomplete="list"
        aria-expanded={shown}
        aria-controls={`${id}-list`}
        aria-activedescendant={shown && active >= 0 ? `${id}-o${active}` : undefined}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setOpen(true);
          setActive(-1);
        }}
        onKeyDown={onKeyDown}
        onBlur={() => setOpen(false)}
      />
      <ul id={`${id}-list`} role="listbox" aria-label={m.place.results} hidden={!shown}>
        {items.map((place, i) => (
          <li
            key={place.id}
            id={`${id}-o${i}`}
            role="option"
            aria-selected={i === active}
            // Keeps the focus in the field, so its blur does not close the list first.
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => choose(place)}
          >
            {place.label}
          </li>
        ))}
      </ul>
      {open && search.isSuccess && items.length === 0 && text.trim().length >= MIN_CHARS && (
        <p className="muted" role="status">
          {m.place.noMatch}
        </p>
      )}
      <ErrorNote error={search.error} words={m.problems} />
    </div>
  );
}
