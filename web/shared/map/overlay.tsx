import { useCallback, useEffect, useRef } from 'react';
import { screenProjection, type View } from './projection.ts';
import type { MapOverlay } from './types.ts';

// A screen's own drawing over the map (types.ts, MapOverlay): a canvas the size of the view, at
// the device's pixel density, redrawn on the next animation frame after the view moved or the
// overlay changed, once however many changes came meanwhile. Taps pass through to the map.

export function OverlayCanvas({ overlay, view }: { overlay: MapOverlay; view: View }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const latest = useRef({ overlay, view });
  const frame = useRef(0);
  const dpr = typeof window === 'undefined' ? 1 : window.devicePixelRatio || 1;

  const paint = useCallback(() => {
    frame.current = 0;
    const el = canvas.current;
    const ctx = el?.getContext('2d');
    if (!el || !ctx) return;
    const { overlay: o, view: v } = latest.current;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, v.width, v.height);
    o.draw(ctx, screenProjection(v), v);
  }, [dpr]);
  const schedule = useCallback(() => {
    if (frame.current === 0) frame.current = requestAnimationFrame(paint);
  }, [paint]);

  useEffect(() => {
    latest.current = { overlay, view };
    schedule();
  }, [overlay, view, schedule]);
  useEffect(() => overlay.subscribe(schedule), [overlay, schedule]);
  useEffect(
    () => () => {
      cancelAnimationFrame(frame.current);
      frame.current = 0;
    },
    [],
  );

  return (
    <canvas
      ref={canvas}
      className="map-overlay"
      role="img"
      aria-label={overlay.label}
      data-testid="map-overlay"
      width={Math.round(view.width * dpr)}
      height={Math.round(view.height * dpr)}
      style={{ width: view.width, height: view.height }}
    />
  );
}
