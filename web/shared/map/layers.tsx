import { memo } from 'react';
import type { Street, Zone } from './data.ts';
import { type LngLat, localProjection, toScreen, type View } from './projection.ts';
import type { Marker } from './types.ts';

// The map's layers, drawn in SVG. Streets and zones are projected once (in pixels of zoom Z0 from
// an origin near the view) and placed in the view by their group's transform, so a pan or zoom
// changes one attribute; their lines keep their width on screen (`vector-effect` in map.css).
// Markers are placed in screen pixels, so they keep their size.

/** The zoom a layer is projected at. */
export const Z0 = 16;

type Project = (p: LngLat) => { x: number; y: number };
export const num = (v: number) => Math.round(v * 10) / 10;

/** An SVG path through the points (a ring is closed by its caller). */
function line(coords: ReadonlyArray<ReadonlyArray<number>>, project: Project): string {
  let d = '';
  for (const [lng = 0, lat = 0] of coords) {
    const p = project({ lat, lng });
    d += `${d ? 'L' : 'M'}${num(p.x)} ${num(p.y)}`;
  }
  return d;
}

export interface DrawnStreet {
  d: string;
  name: string;
  arterial: boolean;
  /** Its length in pixels of zoom Z0, and whether it runs leftwards (its name is drawn reversed). */
  length: number;
  leftwards: boolean;
  reversed: string;
  /** Its points in pixels of zoom Z0. */
  pts: Array<{ x: number; y: number }>;
}

/** Streets projected for drawing. */
export function drawStreets(streets: Street[], origin: LngLat): DrawnStreet[] {
  const project = localProjection(origin, Z0);
  return streets.map((s) => {
    const c = s.geometry.coordinates;
    const pts = c.map(([lng = 0, lat = 0]) => project({ lat, lng }));
    let length = 0;
    for (let i = 1; i < pts.length; i++) {
      const [a, b] = [pts[i - 1], pts[i]];
      if (a && b) length += Math.hypot(b.x - a.x, b.y - a.y);
    }
    const [first, last] = [pts[0], pts[pts.length - 1]];
    return {
      d: line(c, project),
      name: s.properties.name,
      arterial: s.properties.class === 'arterial',
      length,
      leftwards: !!first && !!last && last.x < first.x,
      reversed: line([...c].reverse(), project),
      pts,
    };
  });
}

/** Zones projected for drawing: one path of all its polygons' rings per store. */
export function drawZones(zones: Zone[], origin: LngLat) {
  const project = localProjection(origin, Z0);
  // Open zones last, so where one overlaps a paused store's, it shows as open.
  const ordered = [...zones].sort(
    (a, b) => Number(a.properties.status === 'open') - Number(b.properties.status === 'open'),
  );
  return ordered.map((z) => ({
    id: z.properties.store_id,
    name: z.properties.name,
    status: z.properties.status,
    d: z.geometry.coordinates
      .flatMap((polygon) => polygon.map((ring) => `${line(ring, project)}Z`))
      .join(''),
  }));
}

/** Minor streets are drawn from this zoom on (further out they would only be a grey wash). */
const MINOR_ZOOM = 14;

/** The streets: minor ones, then arterials wider on top; wider as the map zooms in. */
export const StreetsLayer = memo(function StreetsLayer(p: {
  streets: DrawnStreet[];
  zoom: number;
}) {
  const width = Math.min(14, Math.max(1, 2 ** (p.zoom - 14.5)));
  const kinds = [
    ...(p.zoom >= MINOR_ZOOM ? [['street', false, width] as const] : []),
    ['arterial', true, width * 1.8] as const,
  ];
  return (
    <g data-layer="streets">
      {kinds.map(([kind, arterial, w]) => (
        <g key={kind} strokeWidth={w}>
          {p.streets
            .filter((s) => s.arterial === arterial)
            .map((s, i) => (
              <path key={i} d={s.d} className={kind} />
            ))}
        </g>
      ))}
    </g>
  );
});

/**
 * The stores' delivery zones under the streets: opaque within a translucent group, so where
 * zones overlap the area is as light as where one reaches (what is drawn is their union).
 */
export const ZonesLayer = memo(function ZonesLayer(p: { zones: ReturnType<typeof drawZones> }) {
  return (
    <g data-layer="zones" className="zones">
      {p.zones.map((z) => (
        <path key={z.id} d={z.d} className="zone" data-status={z.status} fillRule="evenodd">
          <title>{z.name}</title>
        </path>
      ))}
    </g>
  );
});

/** A marker's shape, drawn around its point (0, 0). */
function Shape({ m }: { m: Marker }) {
  switch (m.kind) {
    case 'driver':
      return <circle r={8} />;
    case 'store':
      return <rect x={-9} y={-9} width={18} height={18} rx={4} />;
    default:
      // A drop pin whose tip is the point.
      return <path d="M0 0C-3-7-10-11-10-18a10 10 0 0 1 20 0C10-11 3-7 0 0Z" />;
  }
}

/** The markers, each at its point, with its title (tooltip and accessible name). */
export function MarkersLayer({ markers, view }: { markers: Marker[]; view: View }) {
  return (
    <g data-layer="markers">
      {markers.map((m) => {
        const at = toScreen(view, m);
        const badgeY = m.kind === 'store' || m.kind === 'driver' ? 0 : -18;
        return (
          <g
            key={m.id}
            className={`marker marker-${m.kind}`}
            data-testid="map-marker"
            data-kind={m.kind}
            transform={`translate(${num(at.x)} ${num(at.y)})`}
            role="img"
            aria-label={m.title}
          >
            <title>{m.title}</title>
            <Shape m={m} />
            {m.badge && (
              <text y={badgeY} textAnchor="middle" aria-hidden="true">
                {m.badge}
              </text>
            )}
          </g>
        );
      })}
    </g>
  );
}
