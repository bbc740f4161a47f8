import type { OpsCityOrder, OpsCityZone } from '@lastmile/client';
import type { LngLat, Project } from '@web/map/lazy.tsx';
import type { Shown } from './filters.ts';

// The live map's drawing on the canvas over the streets: zones coloured by demand against free
// drivers, stores, open orders at their drop-off, drivers; each kind in few paths, so 2,000
// drivers are three fills.

export type Selection = { kind: 'driver' | 'order'; id: string } | null;

const DRIVER: Record<string, string> = {
  available: '#1f6feb',
  on_delivery: '#8250df',
  break: '#8c959f',
};
const ORDER: Record<OpsCityOrder['status'], string> = {
  authorized: '#bf3989',
  accepted: '#bf8700',
  preparing: '#bf8700',
  ready: '#0969da',
  picked_up: '#57606a',
};
const STORE: Record<string, string> = { open: '#1a7f37', paused: '#8c959f', backlogged: '#d4700a' };
const LATE = '#cf222e';

/** More demand than free drivers: red, stronger with the gap; else green. */
function zoneFill(z: OpsCityZone): string {
  const gap = z.demand - z.supply;
  if (gap > 0) return `rgba(207, 34, 46, ${Math.min(0.45, 0.12 + 0.06 * gap)})`;
  return `rgba(26, 127, 55, ${Math.min(0.3, 0.06 + 0.04 * -gap)})`;
}

function drawZones(ctx: CanvasRenderingContext2D, zones: OpsCityZone[], project: Project) {
  ctx.lineWidth = 1;
  ctx.strokeStyle = 'rgba(59, 63, 66, 0.25)';
  for (const z of zones) {
    ctx.beginPath();
    z.boundary.forEach(([lat, lng], i) => {
      const q = project({ lat, lng });
      if (i === 0) ctx.moveTo(q.x, q.y);
      else ctx.lineTo(q.x, q.y);
    });
    ctx.closePath();
    ctx.fillStyle = zoneFill(z);
    ctx.fill();
    ctx.stroke();
  }
}

/** Points of one colour in one path: `mark` adds one point's shape to it. */
function fillGroups<T>(
  ctx: CanvasRenderingContext2D,
  items: T[],
  colourOf: (t: T) => string,
  mark: (t: T) => void,
) {
  const groups = new Map<string, T[]>();
  for (const t of items) {
    const c = colourOf(t);
    const g = groups.get(c);
    if (g) g.push(t);
    else groups.set(c, [t]);
  }
  for (const [colour, group] of groups) {
    ctx.beginPath();
    group.forEach(mark);
    ctx.fillStyle = colour;
    ctx.fill();
    ctx.stroke();
  }
}

/**
 * A marker drawn once into a small canvas of its own, then copied to each place it stands: copying
 * a few pixels is many times cheaper than filling and outlining 2,000 round paths, which a browser
 * without a GPU rasterizes on the page's thread every frame.
 */
const sprites = new Map<string, HTMLCanvasElement>();
function sprite(key: string, size: number, draw: (ctx: CanvasRenderingContext2D) => void) {
  const dpr = window.devicePixelRatio || 1;
  const k = `${key}@${dpr}`;
  let c = sprites.get(k);
  if (!c) {
    c = document.createElement('canvas');
    c.width = c.height = Math.ceil(size * dpr);
    const g = c.getContext('2d');
    if (g) {
      g.scale(dpr, dpr);
      draw(g);
    }
    sprites.set(k, c);
  }
  return c;
}

/** A driver's dot (radius 5, white outline) in its status's colour, 14 px square. */
const DOT = 14;
const dotOf = (colour: string) =>
  sprite(`dot:${colour}`, DOT, (g) => {
    g.beginPath();
    g.arc(DOT / 2, DOT / 2, 5, 0, 2 * Math.PI);
    g.fillStyle = colour;
    g.fill();
    g.strokeStyle = '#fff';
    g.lineWidth = 1.5;
    g.stroke();
  });

/** An order's diamond (5 px from its centre to each corner, white outline), 14 px square. */
const diamondOf = (colour: string) =>
  sprite(`diamond:${colour}`, DOT, (g) => {
    const c = DOT / 2;
    g.beginPath();
    g.moveTo(c, c - 5);
    g.lineTo(c + 5, c);
    g.lineTo(c, c + 5);
    g.lineTo(c - 5, c);
    g.closePath();
    g.fillStyle = colour;
    g.fill();
    g.strokeStyle = '#fff';
    g.lineWidth = 1.5;
    g.stroke();
  });

/** Copies `img` centred on the point, on whole pixels (a plain copy, no resampling). */
function stamp(ctx: CanvasRenderingContext2D, img: HTMLCanvasElement, q: { x: number; y: number }) {
  ctx.drawImage(img, Math.round(q.x - DOT / 2), Math.round(q.y - DOT / 2), DOT, DOT);
}

const visible = (q: { x: number; y: number }, w: number, h: number) =>
  q.x > -10 && q.y > -10 && q.x < w + 10 && q.y < h + 10;

/**
 * Draws what is shown; returns the ids of the drivers drawn in the view (with when each
 * position was recorded).
 */
export function drawCity(
  ctx: CanvasRenderingContext2D,
  s: Shown,
  project: Project,
  size: { width: number; height: number },
  selected: Selection,
): Map<string, number> {
  const { width, height } = size;
  drawZones(ctx, s.zones, project);
  ctx.strokeStyle = '#fff';
  ctx.lineWidth = 1.5;
  fillGroups(
    ctx,
    s.stores,
    (st) => STORE[st.status] ?? STORE.open ?? '',
    (st) => {
      const q = project(st);
      ctx.rect(q.x - 6, q.y - 6, 12, 12);
    },
  );
  for (const o of s.orders) stamp(ctx, diamondOf(ORDER[o.status]), project(o));
  ctx.strokeStyle = LATE;
  ctx.lineWidth = 2;
  ctx.beginPath();
  for (const o of s.orders) {
    if (!o.late) continue;
    const q = project(o);
    ctx.moveTo(q.x + 8, q.y);
    ctx.arc(q.x, q.y, 8, 0, 2 * Math.PI);
  }
  ctx.stroke();
  const drawn = new Map<string, number>();
  for (const { d, p } of s.drivers) {
    if (!p) continue;
    const q = project(p);
    if (!visible(q, width, height)) continue;
    drawn.set(d.id, p.at);
    stamp(ctx, dotOf(DRIVER[d.status] ?? '#1f6feb'), q);
  }
  drawSelection(ctx, s, project, selected);
  return drawn;
}

function drawSelection(ctx: CanvasRenderingContext2D, s: Shown, project: Project, sel: Selection) {
  if (!sel) return;
  const at: LngLat | undefined =
    sel.kind === 'driver'
      ? s.drivers.find((x) => x.d.id === sel.id)?.p
      : s.orders.find((o) => o.id === sel.id);
  if (!at) return;
  const q = project(at);
  ctx.beginPath();
  ctx.arc(q.x, q.y, 11, 0, 2 * Math.PI);
  ctx.strokeStyle = '#111';
  ctx.lineWidth = 2.5;
  ctx.stroke();
}

/** The driver or order drawn nearest a tap, within a finger's reach. */
export function nearest(s: Shown, project: Project, at: LngLat): Selection {
  const t = project(at);
  let best: Selection = null;
  let bestD = 14;
  const consider = (kind: 'driver' | 'order', id: string, p: LngLat | undefined) => {
    if (!p) return;
    const q = project(p);
    const d = Math.hypot(q.x - t.x, q.y - t.y);
    if (d < bestD) [best, bestD] = [{ kind, id }, d];
  };
  for (const { d, p } of s.drivers) consider('driver', d.id, p);
  for (const o of s.orders) consider('order', o.id, o);
  return best;
}

/**
 * The zone whose outline is drawn under a tap (ray casting over its corners, [lat, lng]). Only
 * for the tap: what stands in a zone is the server's word (each position, order and store names
 * its cell).
 */
export function zoneUnder(zones: readonly OpsCityZone[], at: LngLat): OpsCityZone | undefined {
  return zones.find((z) => {
    let inside = false;
    const b = z.boundary;
    for (let i = 0, j = b.length - 1; i < b.length; j = i++) {
      const [yi, xi] = b[i] as [number, number];
      const [yj, xj] = b[j] as [number, number];
      if (yi > at.lat !== yj > at.lat && at.lng < ((xj - xi) * (at.lat - yi)) / (yj - yi) + xi)
        inside = !inside;
    }
    return inside;
  });
}

/**
 * The benchmark's measure (`?measure=1`): each driver position drawn for the first time, from
 * when the driver recorded it to now, right after the frame it was drawn in.
 */
export function measurePainted(drawn: Map<string, number>, unpainted: Map<string, number>) {
  for (const [id, at] of unpainted) {
    if (drawn.get(id) !== at) continue;
    const start = at - performance.timeOrigin;
    if (start >= 0)
      performance.measure('lastmile.position-to-pixel', { start, end: performance.now() });
  }
  unpainted.clear();
}
