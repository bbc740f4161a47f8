import { createRoute, useNavigate } from '@tanstack/react-router';
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { unwrap } from '@lastmile/client';
import { type LngLat, type Marker, StreetMap } from '@web/map/lazy.tsx';
import { codeOf } from '@web/problems.ts';
import { ErrorNote } from '@web/ui.tsx';
import { api, m, place } from '../../app.ts';
import { requireSignIn, rootRoute } from '../../root.tsx';
import { CitySelect, useServedCities } from './cities.tsx';
import { AddressSearch } from './search.tsx';

// Where to deliver: an address found by search, a spot tapped on the map (its address looked up)
// or the phone's location; the pin shows it, the courier gets the address line, which can be
// edited (a flat, a back door). Before any point is known the map shows a served city, its streets
// drawn; a select switches city when lastmile serves several.

/** Where the pin stands, and its address when known (a search result's), else looked up. */
interface Pin extends LngLat {
  label: string | null;
}

/** `GET /v1/places/reverse`: the address nearest the pin (404 `NO_ADDRESS_NEAR` off the streets). */
function useAddressAt(pin: Pin | null) {
  return useQuery({
    queryKey: ['places', 'reverse', pin?.lat, pin?.lng],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/v1/places/reverse', {
          params: { query: { lat: pin?.lat ?? 0, lng: pin?.lng ?? 0 } },
          signal,
        }),
      ),
    enabled: !!pin && pin.label === null,
    staleTime: Infinity,
  });
}

/** `GET /v1/stores/nearby` at the map's centre: the stores delivering there, shown on the map. */
function useStoresAround(at: LngLat | null): Marker[] {
  const round = (v: number) => Math.round(v * 1000) / 1000;
  const q = useQuery({
    queryKey: ['stores', 'nearby', 'map', at && round(at.lat), at && round(at.lng)],
    queryFn: () =>
      unwrap(
        api.GET('/v1/stores/nearby', {
          params: { query: { lat: round(at?.lat ?? 0), lng: round(at?.lng ?? 0) } },
        }),
      ),
    enabled: !!at,
  });
  return (q.data?.items ?? []).map((s) => ({
    id: s.id,
    kind: 'store',
    title: s.name,
    lat: s.lat,
    lng: s.lng,
  }));
}

/** The phone's position (the Geolocation API), when the person allows it. */
function useLocate(found: (p: LngLat) => void, failed: () => void) {
  const [locating, setLocating] = useState(false);
  const locate = () => {
    if (!('geolocation' in navigator)) return failed();
    setLocating(true);
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        setLocating(false);
        found({ lat: pos.coords.latitude, lng: pos.coords.longitude });
      },
      () => {
        setLocating(false);
        failed();
      },
      { timeout: 10_000, maximumAge: 60_000 },
    );
  };
  return { locating, locate };
}

/** The address line the courier gets (found, or typed), what went wrong, and "deliver here". */
function AddressForm(p: {
  label: string;
  edit: (label: string) => void;
  address: ReturnType<typeof useAddressAt>;
  note: string | null;
  submit: (e: FormEvent) => void;
}) {
  const noAddress = codeOf(p.address.error) === 'NO_ADDRESS_NEAR';
  return (
    <form className="card narrow" onSubmit={p.submit} noValidate>
      <label htmlFor="label">{m.place.label}</label>
      <input
        id="label"
        maxLength={300}
        value={p.label}
        placeholder={p.address.isFetching ? m.place.finding : undefined}
        onChange={(e) => p.edit(e.target.value)}
      />
      {noAddress ? (
        <p className="muted" role="status" data-testid="no-address">
          {m.problems.NO_ADDRESS_NEAR}
        </p>
      ) : (
        <ErrorNote error={p.address.error} words={m.problems} />
      )}
      {p.note && (
        <p role="alert" className="alert">
          {p.note}
        </p>
      )}
      <p>
        <button type="submit">{m.place.use}</button>
      </p>
    </form>
  );
}

function PickPlace() {
  const navigate = useNavigate();
  const [saved] = useState(place.get);
  const [pin, setPin] = useState<Pin | null>(saved);
  const [focus, setFocus] = useState<LngLat | null>(null);
  const [center, setCenter] = useState<LngLat | null>(saved);
  const [typed, setTyped] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const address = useAddressAt(pin);
  const stores = useStoresAround(center);
  const served = useServedCities(saved);
  const label = typed ?? pin?.label ?? address.data?.label ?? '';
  const pinAt = (p: Pin, show: boolean) => {
    setPin(p);
    setTyped(null);
    setNote(null);
    if (show) setFocus({ lat: p.lat, lng: p.lng });
  };
  const { locating, locate } = useLocate(
    (p) => pinAt({ ...p, label: null }, true),
    () => setNote(m.place.geoDenied),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!pin || !label.trim()) return setNote(m.place.needLabel);
    place.set({ label: label.trim(), lat: pin.lat, lng: pin.lng });
    void navigate({ to: '/stores' });
  };
  const markers: Marker[] = [
    ...stores,
    ...(pin ? [{ id: 'pin', kind: 'pin' as const, title: m.place.pin, ...pin }] : []),
  ];
  return (
    <section className="stack">
      <h1>{m.place.title}</h1>
      <p className="muted">{m.place.hint}</p>
      <AddressSearch
        near={center ?? served.city?.center ?? null}
        onChoose={(p) => pinAt(p, true)}
      />
      <div className="row">
        <button type="button" className="secondary" onClick={locate} disabled={locating}>
          {locating ? m.place.locating : m.place.locate}
        </button>
        <CitySelect cities={served.cities} value={served.city?.key} choose={served.choose} />
      </div>
      {pin || center || served.opening ? (
        <StreetMap
          api={api}
          words={m.map}
          fit={served.opening?.fit ?? (saved ? [saved] : [])}
          fitKey={served.opening?.fitKey}
          focus={focus}
          markers={markers}
          zones
          onPick={(p) => pinAt({ ...p, label: null }, false)}
          onSettle={(c) => setCenter(c.center)}
        />
      ) : (
        <div className="map" />
      )}
      <AddressForm label={label} edit={setTyped} address={address} note={note} submit={submit} />
    </section>
  );
}

export const route = createRoute({
  getParentRoute: () => rootRoute,
  path: '/place',
  beforeLoad: requireSignIn,
  component: PickPlace,
});
