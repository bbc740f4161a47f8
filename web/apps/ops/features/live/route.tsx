import { createRoute, useNavigate } from '@tanstack/react-router';
import { useEffect, useMemo, useRef, useState } from 'react';
import { type LngLat, type MapOverlay, StreetMap } from '@web/map/lazy.tsx';
import { api, cityLinkDown, m } from '../../app.ts';
import { requireSignIn, rootRoute } from '../../root.tsx';
import { type LiveCity, liveCity } from './city.ts';
import { drawCity, measurePainted, nearest, type Selection, zoneUnder } from './draw.ts';
import { LiveFilters } from './filter-form.tsx';
import { type LiveSearch, liveSearchOf, shownOf } from './filters.ts';
import { Counts, Details, Lists } from './panel.tsx';

// The live city: every driver on shift, the open orders, the stores and the zones short of
// drivers, over one socket (`GET /v1/ops/city/live`). The map's canvas redraws on each frame;
// the panel beside it, which names the same as text, at most twice a second.

/** The panel is rendered again at most this often while the city changes. */
const PANEL_MS = 500;

/** The city's version, taken at most every `ms` while it changes. */
function useThrottledVersion(live: LiveCity, ms: number): number {
  const [version, setVersion] = useState(live.version);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const stop = live.subscribe(() => {
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        setVersion(live.version);
      }, ms);
    });
    return () => {
      stop();
      if (timer) clearTimeout(timer);
    };
  }, [live, ms]);
  return version;
}

/** The socket while the screen is open; the frame's banner while it is down after it was up. */
function useLiveCity(): LiveCity {
  const [live] = useState(() => liveCity(api));
  useEffect(() => {
    let wasUp = false;
    live.start();
    const stop = live.subscribe(() => {
      wasUp ||= live.connected;
      cityLinkDown.set(wasUp && !live.connected);
    });
    return () => {
      stop();
      live.stop();
      cityLinkDown.set(false);
    };
  }, [live]);
  return live;
}

/** What the first view is fitted around: the drivers once any is seen, the stores until then. */
type FitBasis = 'none' | 'stores' | 'drivers';
const FIT_RANK: Record<FitBasis, number> = { none: 0, stores: 1, drivers: 2 };

/**
 * The map's first view: around the stores, then around the drivers once the first are seen (an
 * evening starting after the screen was opened, or in another part of the country), once each;
 * then the person moves it.
 */
function useFit(city: LiveCity['city']): { points: LngLat[]; basis: FitBasis } {
  const [fit, setFit] = useState<{ points: LngLat[]; basis: FitBasis }>({
    points: [],
    basis: 'none',
  });
  const basis: FitBasis =
    city.positions.size > 0 ? 'drivers' : city.stores.size > 0 ? 'stores' : 'none';
  if (FIT_RANK[basis] > FIT_RANK[fit.basis]) {
    const from = basis === 'drivers' ? city.positions : city.stores;
    setFit({ points: [...from.values()].map((p) => ({ lat: p.lat, lng: p.lng })), basis });
  }
  return fit;
}

function LiveScreen() {
  const search = route.useSearch();
  const navigate = useNavigate();
  const live = useLiveCity();
  // Rendered again (the panel, the canvas's label) at most every PANEL_MS as the city changes.
  useThrottledVersion(live, PANEL_MS);
  const fit = useFit(live.city);
  const [selected, setSelected] = useState<Selection>(null);
  const onFilter = (next: Omit<LiveSearch, 'measure'>) =>
    void navigate({ to: '/live', search: { ...next, ...(search.measure ? { measure: 1 } : {}) } });
  // The canvas reads the filters and the selection as they are when it draws.
  const now = useRef({ search, selected, onFilter });
  useEffect(() => {
    now.current = { search, selected, onFilter };
  });
  useEffect(() => live.touch(), [live, search, selected]);
  const shown = shownOf(live.city, search);
  const label = m.live.canvas(shown.drivers.length, shown.orders.length);
  const overlay = useMemo<MapOverlay>(
    () => ({
      label,
      subscribe: (fn) => live.subscribe(fn),
      draw(ctx, project, view) {
        const s = shownOf(live.city, now.current.search);
        const drawn = drawCity(ctx, s, project, view, now.current.selected);
        ctx.canvas.dataset.drivers = String(drawn.size);
        if (now.current.search.measure) measurePainted(drawn, live.unpainted);
        else live.unpainted.clear();
      },
      pick(at, project) {
        const s = shownOf(live.city, now.current.search);
        const hit = nearest(s, project, at);
        if (hit) return setSelected(hit);
        const zone = zoneUnder(s.zones, at);
        if (zone) now.current.onFilter({ ...now.current.search, zone: zone.cell });
      },
    }),
    [live, label],
  );
  return (
    <section className="stack">
      <h1>{m.live.title}</h1>
      <div className="live">
        <div className="live-map">
          <StreetMap
            api={api}
            words={m.map}
            fit={fit.points}
            fitKey={fit.basis}
            markers={[]}
            overlay={overlay}
          />
        </div>
        <div className="live-panel stack">
          <LiveFilters city={live.city} value={search} onFilter={onFilter} />
          <Counts shown={shown} />
          <Details city={live.city} selected={selected} close={() => setSelected(null)} />
          <Lists shown={shown} selected={selected} pick={setSelected} />
        </div>
      </div>
    </section>
  );
}

export const route = createRoute({
  getParentRoute: () => rootRoute,
  path: '/live',
  validateSearch: liveSearchOf,
  beforeLoad: requireSignIn,
  component: LiveScreen,
});
