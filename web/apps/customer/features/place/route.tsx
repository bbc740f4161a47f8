import { createRoute, useNavigate } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { m, type Place, place } from '../../app.ts';
import { requireSignIn, rootRoute } from '../../root.tsx';
import { SPOTS } from './spots.ts';

const inRange = (lat: number, lng: number) =>
  Number.isFinite(lat) && Number.isFinite(lng) && Math.abs(lat) <= 90 && Math.abs(lng) <= 180;

function PickPlace() {
  const navigate = useNavigate();
  const now = place.get();
  const [lat, setLat] = useState(now ? String(now.lat) : '');
  const [lng, setLng] = useState(now ? String(now.lng) : '');
  const [label, setLabel] = useState(now?.label ?? '');
  const [note, setNote] = useState<string | null>(null);
  const [locating, setLocating] = useState(false);

  const choose = (p: Place) => {
    place.set(p);
    void navigate({ to: '/stores' });
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const [y, x] = [Number(lat), Number(lng)];
    if (lat.trim() === '' || lng.trim() === '' || !inRange(y, x)) return setNote(m.place.invalid);
    choose({ label: label.trim() || m.place.myLocation, lat: y, lng: x });
  };
  const locate = () => {
    if (!('geolocation' in navigator)) return setNote(m.place.geoDenied);
    setLocating(true);
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        setLocating(false);
        setLat(pos.coords.latitude.toFixed(5));
        setLng(pos.coords.longitude.toFixed(5));
        if (!label.trim()) setLabel(m.place.myLocation);
        setNote(null);
      },
      () => {
        setLocating(false);
        setNote(m.place.geoDenied);
      },
      { timeout: 10_000, maximumAge: 60_000 },
    );
  };

  return (
    <section>
      <h1>{m.place.title}</h1>
      <h2>{m.place.presets}</h2>
      <ul className="grid">
        {SPOTS.map((s) => (
          <li key={s.label}>
            <button type="button" className="secondary" onClick={() => choose(s)}>
              {s.label}
            </button>
          </li>
        ))}
      </ul>
      <h2>{m.place.custom}</h2>
      <form className="card narrow" onSubmit={submit} noValidate>
        <button type="button" className="secondary" onClick={locate} disabled={locating}>
          {locating ? m.place.locating : m.place.locate}
        </button>
        <label htmlFor="lat">{m.place.lat}</label>
        <input id="lat" inputMode="decimal" value={lat} onChange={(e) => setLat(e.target.value)} />
        <label htmlFor="lng">{m.place.lng}</label>
        <input id="lng" inputMode="decimal" value={lng} onChange={(e) => setLng(e.target.value)} />
        <label htmlFor="label">{m.place.label}</label>
        <input
          id="label"
          maxLength={300}
          value={label}
          onChange={(e) => setLabel(e.target.value)}
        />
        {note && (
          <p role="alert" className="alert">
            {note}
          </p>
        )}
        <p>
          <button type="submit">{m.place.use}</button>
        </p>
      </form>
    </section>
  );
}

export const route = createRoute({
  getParentRoute: () => rootRoute,
  path: '/place',
  beforeLoad: requireSignIn,
  component: PickPlace,
});
