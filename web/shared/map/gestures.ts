import { type KeyboardEvent, type PointerEvent, type RefObject, useEffect, useState } from 'react';
import {
  type Camera,
  fromScreen,
  type LngLat,
  panBy,
  type View,
  zoomAround,
} from './projection.ts';

// How the map is moved: drag (one finger or the mouse), pinch, the wheel, the arrow keys and
// + / −; a tap that did not move, or Enter, picks a point. Moves come faster than React renders,
// so each gesture works on its own latest view and hands the camera on.

/** A press that moves less than this (pixels) is a tap. */
const TAP_SLOP = 6;
/** An arrow key moves the picture by this many pixels. */
const KEY_STEP = 80;

interface Pointer {
  x: number;
  y: number;
}

const at = (e: PointerEvent<Element>): Pointer => {
  const r = e.currentTarget.getBoundingClientRect();
  return { x: e.clientX - r.left, y: e.clientY - r.top };
};
const apart = (a: Pointer, b: Pointer) => Math.hypot(a.x - b.x, a.y - b.y);

/** A map's gestures: the handlers stay the same, the view and callbacks they use are kept current. */
class Gestures {
  view: View | null = null;
  move: (camera: Camera) => void = () => {};
  pick: ((p: LngLat) => void) | undefined;
  readonly go = (camera: Camera) => {
    if (this.view) this.view = { ...this.view, ...camera };
    this.move(camera);
  };
  readonly handlers = {
    ...pointerHandlers(this),
    onKeyDown: keys(this),
  };
  sync(view: View | null, move: (camera: Camera) => void, pick?: (p: LngLat) => void) {
    this.view = view;
    this.move = move;
    this.pick = pick;
  }
  /** The wheel zooms about the pointer (and stops the page from scrolling meanwhile). */
  readonly wheel = (svg: SVGSVGElement) => (e: WheelEvent) => {
    const view = this.view;
    if (!view) return;
    e.preventDefault();
    const r = svg.getBoundingClientRect();
    const step = e.deltaY * (e.deltaMode === 1 ? 0.05 : 0.002);
    const zoom = view.zoom - Math.max(-1, Math.min(1, step));
    this.go(zoomAround(view, zoom, e.clientX - r.left, e.clientY - r.top));
  };
}

export function useGestures(o: {
  target: RefObject<SVGSVGElement | null>;
  view: View | null;
  move: (camera: Camera) => void;
  pick?: ((p: LngLat) => void) | undefined;
}) {
  const [g] = useState(() => new Gestures());
  useEffect(() => g.sync(o.view, o.move, o.pick));
  // React's wheel listener is passive: this one may stop the page from scrolling.
  useEffect(() => {
    const svg = o.target.current;
    if (!svg) return;
    const wheel = g.wheel(svg);
    svg.addEventListener('wheel', wheel, { passive: false });
    return () => svg.removeEventListener('wheel', wheel);
  }, [g, o.target]);
  return g.handlers;
}

/** Drag, pinch and tap. */
function pointerHandlers(g: Gestures) {
  const pointers = new Map<number, Pointer>();
  let press = { start: { x: 0, y: 0 }, moved: false, pinch: 0 };
  return {
    onPointerDown(e: PointerEvent<SVGSVGElement>) {
      if (e.button !== 0) return;
      e.currentTarget.setPointerCapture(e.pointerId);
      const p = at(e);
      pointers.set(e.pointerId, p);
      const [a, b] = [...pointers.values()];
      if (pointers.size === 1) press = { start: p, moved: false, pinch: 0 };
      else if (a && b) press = { ...press, moved: true, pinch: apart(a, b) };
    },
    onPointerMove(e: PointerEvent<SVGSVGElement>) {
      const before = pointers.get(e.pointerId);
      const view = g.view;
      if (!before || !view) return;
      const p = at(e);
      pointers.set(e.pointerId, p);
      if (pointers.size === 1) {
        if (!press.moved && apart(press.start, p) > TAP_SLOP) press.moved = true;
        if (press.moved) g.go(panBy(view, p.x - before.x, p.y - before.y));
        return;
      }
      const [a, b] = [...pointers.values()];
      if (!a || !b || press.pinch <= 0) return;
      const d = apart(a, b);
      const zoom = view.zoom + Math.log2(d / press.pinch);
      press.pinch = d;
      g.go(zoomAround(view, zoom, (a.x + b.x) / 2, (a.y + b.y) / 2));
    },
    onPointerUp(e: PointerEvent<SVGSVGElement>) {
      if (!pointers.delete(e.pointerId)) return;
      const view = g.view;
      const onPick = g.pick;
      if (pointers.size > 0 || press.moved || !view || !onPick) return;
      const p = at(e);
      onPick(fromScreen(view, p.x, p.y));
    },
    onPointerCancel(e: PointerEvent<SVGSVGElement>) {
      pointers.delete(e.pointerId);
      press.moved = true;
    },
  };
}

/** The arrow keys move, + and − zoom, Enter picks the centre. */
function keys(g: Gestures) {
  return (e: KeyboardEvent<SVGSVGElement>) => {
    const view = g.view;
    if (!view) return;
    const pan = (dx: number, dy: number) => g.go(panBy(view, dx, dy));
    const zoom = (by: number) =>
      g.go(zoomAround(view, Math.round(view.zoom) + by, view.width / 2, view.height / 2));
    const actions: Record<string, () => void> = {
      ArrowLeft: () => pan(KEY_STEP, 0),
      ArrowRight: () => pan(-KEY_STEP, 0),
      ArrowUp: () => pan(0, KEY_STEP),
      ArrowDown: () => pan(0, -KEY_STEP),
      '+': () => zoom(1),
      '=': () => zoom(1),
      '-': () => zoom(-1),
      Enter: () => g.pick?.(view.center),
    };
    const act = actions[e.key];
    if (!act) return;
    e.preventDefault();
    act();
  };
}
