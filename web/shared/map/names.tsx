import type { DrawnStreet } from './layers.tsx';

// Street names along the streets, from zoom 16 (arterials) and 17 (every street): each street
// long enough on screen to hold its name gets it every few hundred pixels, upright, centred on
// its stretch. Only streets in view are named, and only so many names at once.

const ARTERIAL_NAMES_ZOOM = 16;
const STREET_NAMES_ZOOM = 17;
/** Names at most on screen at once. */
const MAX_NAMES = 60;
/** A name repeats along a long street every this many pixels on screen. */
const EVERY_PX = 360;
/** A name's width on screen in pixels, near enough (12 px type). */
const widthOf = (name: string) => name.length * 7 + 24;

interface Named {
  street: DrawnStreet;
  /** Where along the street (in its own units, from the end its name is drawn from) each copy of the name is centred. */
  at: number[];
}

type Pt = DrawnStreet['pts'][number];

/** The part of segment a→b inside the rectangle, as fractions of it (Liang–Barsky), or null. */
function clip(a: Pt, b: Pt, [x0 = 0, y0 = 0, x1 = 0, y1 = 0]: number[]): [number, number] | null {
  let [t0, t1] = [0, 1];
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const edges: Array<[number, number]> = [
    [-dx, a.x - x0],
    [dx, x1 - a.x],
    [-dy, a.y - y0],
    [dy, y1 - a.y],
  ];
  for (const [p, q] of edges) {
    if (p === 0) {
      if (q < 0) return null;
      continue;
    }
    const t = q / p;
    if (p < 0) t0 = Math.max(t0, t);
    else t1 = Math.min(t1, t);
  }
  return t0 <= t1 ? [t0, t1] : null;
}

/** The stretch of a street inside the rectangle, as distances along it from its first point. */
function visibleStretch(pts: Pt[], visible: number[]) {
  let from = Infinity;
  let to = -Infinity;
  let walked = 0;
  for (let i = 1; i < pts.length; i++) {
    const [a, b] = [pts[i - 1], pts[i]];
    if (!a || !b) continue;
    const len = Math.hypot(b.x - a.x, b.y - a.y);
    const inside = clip(a, b, visible);
    if (inside) {
      from = Math.min(from, walked + inside[0] * len);
      to = walked + inside[1] * len;
    }
    walked += len;
  }
  return to > from ? { from, to } : null;
}

/** The streets to name in the visible rectangle `[x0, y0, x1, y1]` (units of zoom Z0) at scale `k`. */
function toName(streets: DrawnStreet[], k: number, zoom: number, visible: number[]): Named[] {
  if (zoom < ARTERIAL_NAMES_ZOOM) return [];
  const named: Named[] = [];
  let count = 0;
  const candidates = streets
    .filter((s) => s.name && (s.arterial || zoom >= STREET_NAMES_ZOOM))
    .sort((a, b) => Number(b.arterial) - Number(a.arterial) || b.length - a.length);
  for (const street of candidates) {
    const stretch = visibleStretch(street.pts, visible);
    if (!stretch) continue;
    // The name's half width in the street's units: a copy is centred at least that far from an end.
    const half = widthOf(street.name) / 2 / k;
    const from = Math.max(stretch.from, half);
    const to = Math.min(stretch.to, street.length - half);
    if (to < from) continue;
    const copies = Math.max(1, Math.floor(((to - from) * k) / EVERY_PX));
    const at = Array.from({ length: copies }, (_, i) => from + ((i + 0.5) * (to - from)) / copies);
    named.push({ street, at: street.leftwards ? at.map((d) => street.length - d) : at });
    count += copies;
    if (count >= MAX_NAMES) break;
  }
  return named;
}

/** The names, in the streets' own group (so the same transform places them). */
export function StreetNames(p: {
  streets: DrawnStreet[];
  k: number;
  zoom: number;
  /** The visible rectangle in units of zoom Z0: x0, y0, x1, y1. */
  visible: number[];
  idPrefix: string;
}) {
  const named = toName(p.streets, p.k, p.zoom, p.visible);
  return (
    <g className="street-names" fontSize={12 / p.k} strokeWidth={3 / p.k} aria-hidden="true">
      {named.map(({ street, at }, i) => {
        const id = `${p.idPrefix}-n${i}`;
        return (
          <g key={`${street.name}|${street.d.slice(0, 24)}`}>
            <path id={id} d={street.leftwards ? street.reversed : street.d} fill="none" />
            {at.map((offset) => (
              <text key={Math.round(offset)}>
                <textPath href={`#${id}`} startOffset={offset} textAnchor="middle">
                  {street.name}
                </textPath>
              </text>
            ))}
          </g>
        );
      })}
    </g>
  );
}
