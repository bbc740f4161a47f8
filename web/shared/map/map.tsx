import { type RefObject, useEffect, useId, useMemo, useRef, useState } from 'react';
import './map.css';
import { useMapData } from './data.ts';
import { useGestures } from './gestures.ts';
import { drawStreets, drawZones, MarkersLayer, StreetsLayer, Z0, ZonesLayer } from './layers.tsx';
import { StreetNames } from './names.tsx';
import { OverlayCanvas } from './overlay.tsx';
import {
  type Camera,
  clampZoom,
  fitCamera,
  layerTransform,
  type LngLat,
  screenProjection,
  type View,
  zoomAround,
} from './projection.ts';
import type { MapProps, MapWords } from './types.ts';

// The map (loaded on its own, see lazy.tsx): lastmile's own streets and zones under the screen's
// markers, in an SVG of the box's size. The view starts fitted around `fit`; then the person moves
// it, or `focus` does.

/** A focused point is shown at least this close. */
const FOCUS_ZOOM = 16;
/** The view has settled once it has not moved for this long. */
const SETTLE_MS = 400;

/** The box's size in pixels, once laid out (the box's CSS fixes it before anything is drawn). */
function useBoxSize(box: RefObject<HTMLDivElement | null>) {
  const [size, setSize] = useState<{ width: number; height: number } | null>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const seen = new ResizeObserver(([entry]) => {
      if (!entry) return;
      const { width, height } = entry.contentRect;
      if (width > 0 && height > 0)
        setSize({ width: Math.round(width), height: Math.round(height) });
    });
    seen.observe(el);
    return () => seen.disconnect();
  }, [box]);
  return size;
}

/**
 * Where the map looks: fitted around `fit` until the person moves it (again when `fitKey`
 * changes), and at `focus` whenever another one is given.
 */
function useCamera(p: MapProps, size: { width: number; height: number } | null) {
  const fitKey = p.fitKey ?? '';
  const focus = p.focus ?? null;
  const [state, setState] = useState<{
    fitKey: string;
    focus: LngLat | null;
    camera: Camera | null;
  }>({ fitKey, focus: null, camera: null });
  let camera = state.fitKey === fitKey ? state.camera : null;
  if (focus !== state.focus) {
    if (focus) camera = { center: focus, zoom: Math.max(camera?.zoom ?? 0, FOCUS_ZOOM) };
    setState({ fitKey, focus, camera });
  } else if (state.fitKey !== fitKey) setState({ fitKey, focus, camera: null });
  const setCamera = (c: Camera) => setState({ fitKey, focus, camera: c });
  const current =
    camera ?? (size && p.fit.length > 0 ? fitCamera(p.fit, size.width, size.height) : null);
  const view: View | null = current && size ? { ...current, ...size } : null;
  return { view, setCamera };
}

/** Calls `onSettle` with the camera once it has stood still for SETTLE_MS. */
function useSettle(view: View | null, onSettle: MapProps['onSettle']) {
  const key = view ? `${view.center.lat},${view.center.lng},${view.zoom}` : '';
  const latest = useRef(onSettle);
  useEffect(() => {
    latest.current = onSettle;
  });
  useEffect(() => {
    if (!view) return;
    const camera = { center: view.center, zoom: view.zoom };
    const timer = setTimeout(() => latest.current?.(camera), SETTLE_MS);
    return () => clearTimeout(timer);
    // `view` is what `key` names.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
}

/** The + and − buttons. */
function ZoomButtons(p: { view: View; words: MapWords; move: (c: Camera) => void }) {
  const by = (step: number) =>
    p.move(zoomAround(p.view, Math.round(p.view.zoom) + step, p.view.width / 2, p.view.height / 2));
  return (
    <div className="map-zoom">
      <button
        type="button"
        className="secondary"
        aria-label={p.words.zoomIn}
        title={p.words.zoomIn}
        disabled={clampZoom(p.view.zoom + 1) === p.view.zoom}
        onClick={() => by(1)}
      >
        <svg viewBox="0 0 16 16" aria-hidden="true">
          <path d="M3 8h10M8 3v10" />
        </svg>
      </button>
      <button
        type="button"
        className="secondary"
        aria-label={p.words.zoomOut}
        title={p.words.zoomOut}
        disabled={clampZoom(p.view.zoom - 1) === p.view.zoom}
        onClick={() => by(-1)}
      >
        <svg viewBox="0 0 16 16" aria-hidden="true">
          <path d="M3 8h10" />
        </svg>
      </button>
    </div>
  );
}

/**
 * The origin layers are projected from: the view's centre on a 0.05° grid (a few kilometres), as
 * text, so the layers are projected again only when the view crosses a line of that grid.
 */
const originNear = (c: LngLat) => `${Math.round(c.lat * 20) / 20},${Math.round(c.lng * 20) / 20}`;
const originAt = (key: string): LngLat => {
  const [lat = 0, lng = 0] = key.split(',').map(Number);
  return { lat, lng };
};

export default function MapView(p: MapProps) {
  const box = useRef<HTMLDivElement>(null);
  const svg = useRef<SVGSVGElement>(null);
  const idPrefix = useId().replace(/:/g, '');
  const size = useBoxSize(box);
  const { view, setCamera } = useCamera(p, size);
  useSettle(view, p.onSettle);
  const overlayPick = p.overlay?.pick?.bind(p.overlay);
  const pick =
    p.onPick ??
    (overlayPick && view ? (at: LngLat) => overlayPick(at, screenProjection(view)) : undefined);
  const gestures = useGestures({ target: svg, view, move: setCamera, pick });
  const data = useMapData(p.api, view, !!p.zones);
  const origin = view ? originNear(view.center) : '0,0';
  const streets = useMemo(
    () => drawStreets(data.streets.features, originAt(origin)),
    [data.streets.features, origin],
  );
  const zones = useMemo(
    () => drawZones(data.zones.features, originAt(origin)),
    [data.zones.features, origin],
  );
  const t = view ? layerTransform(view, originAt(origin), Z0) : null;
  const label = p.onPick ? `${p.words.label} ${p.words.pick}` : p.words.label;
  return (
    <div className="map" ref={box}>
      <svg
        ref={svg}
        role="application"
        aria-label={label}
        aria-busy={data.streets.loading}
        tabIndex={0}
        data-testid="map"
        data-streets={data.streets.loading ? undefined : streets.length}
        width={size?.width}
        height={size?.height}
        viewBox={size ? `0 0 ${size.width} ${size.height}` : undefined}
        {...gestures}
      >
        <rect className="map-ground" width="100%" height="100%" />
        {view && t && (
          <>
            <g transform={`translate(${t.x} ${t.y}) scale(${t.k})`}>
              {p.zones && <ZonesLayer zones={zones} />}
              <StreetsLayer streets={streets} zoom={Math.round(view.zoom * 2) / 2} />
              <StreetNames
                streets={streets}
                k={t.k}
                zoom={view.zoom}
                visible={[
                  -t.x / t.k,
                  -t.y / t.k,
                  (view.width - t.x) / t.k,
                  (view.height - t.y) / t.k,
                ]}
                idPrefix={idPrefix}
              />
            </g>
            <MarkersLayer markers={p.markers} view={view} />
            {p.onPick && (
              <path
                className="map-crosshair"
                d={`M${view.width / 2 - 10} ${view.height / 2}h20M${view.width / 2} ${view.height / 2 - 10}v20`}
              />
            )}
          </>
        )}
      </svg>
      {view && p.overlay && <OverlayCanvas overlay={p.overlay} view={view} />}
      {view && <ZoomButtons view={view} words={p.words} move={setCamera} />}
      {data.streets.failed && (
        <p className="map-note" role="status">
          {p.words.failed}
        </p>
      )}
    </div>
  );
}
