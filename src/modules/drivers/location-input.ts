import { Type } from '@sinclair/typebox';
import { AppError } from '../../platform/errors.ts';
import { Strict } from '../../platform/http/typed.ts';
import type { LocationPoint } from './location-filter.ts';

/** Points in one upload: a minute of 1 Hz fixes plus room for a short offline stretch. */
export const MAX_POINTS_PER_BATCH = 100;

const LIMITS = {
  lat: [-90, 90],
  lng: [-180, 180],
  accuracy_m: [0, 5000],
  heading_deg: [0, 360],
  speed_mps: [0, 100],
} as const;

export const PointSchema = Strict({
  lat: Type.Number({ minimum: LIMITS.lat[0], maximum: LIMITS.lat[1] }),
  lng: Type.Number({ minimum: LIMITS.lng[0], maximum: LIMITS.lng[1] }),
  accuracy_m: Type.Optional(
    Type.Number({ minimum: LIMITS.accuracy_m[0], maximum: LIMITS.accuracy_m[1] }),
  ),
  heading_deg: Type.Optional(
    Type.Number({ minimum: LIMITS.heading_deg[0], maximum: LIMITS.heading_deg[1] }),
  ),
  speed_mps: Type.Optional(
    Type.Number({ minimum: LIMITS.speed_mps[0], maximum: LIMITS.speed_mps[1] }),
  ),
  recorded_at: Type.String({
    format: 'date-time',
    description: 'When the phone took the fix (ISO 8601 with offset)',
  }),
});

export const PointsBody = Strict({
  points: Type.Array(PointSchema, { minItems: 1, maxItems: MAX_POINTS_PER_BATCH }),
});

export interface PointInput {
  lat: number;
  lng: number;
  accuracy_m?: number | undefined;
  heading_deg?: number | undefined;
  speed_mps?: number | undefined;
  recorded_at: string;
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;

export function toLocationPoint(p: PointInput): LocationPoint {
  const at = Date.parse(p.recorded_at);
  if (!ISO_DATE_TIME.test(p.recorded_at) || !Number.isFinite(at))
    throw new AppError(
      'VALIDATION_FAILED',
      `points: recorded_at "${p.recorded_at}" is not an ISO 8601 time`,
    );
  // The history stores these as real (float4): a double below its range (1e-300) would make
  // Postgres refuse the whole batched write, and the refused points stay buffered, failing every
  // flush after it. Rounded here to the float4 the column would hold anyway.
  const real = (x: number | undefined) => (x === undefined ? undefined : Math.fround(x));
  return {
    lat: p.lat,
    lng: p.lng,
    at,
    accuracyM: real(p.accuracy_m),
    headingDeg: real(p.heading_deg),
    speedMps: real(p.speed_mps),
  };
}

/**
 * The same checks as the HTTP schema, for points that arrive over the WebSocket channel (no
 * route schema there). Throws VALIDATION_FAILED naming the first bad field; nothing is stored then.
 */
export function parsePointsMessage(raw: unknown): LocationPoint[] {
  const fail = (msg: string): never => {
    throw new AppError('VALIDATION_FAILED', msg);
  };
  const points = (raw as { points?: unknown } | null)?.points;
  if (!Array.isArray(points) || points.length === 0)
    return fail('points: must be a non-empty array');
  if (points.length > MAX_POINTS_PER_BATCH)
    return fail(`points: at most ${MAX_POINTS_PER_BATCH} per upload`);
  return points.map((p: unknown, i) => {
    if (typeof p !== 'object' || p === null) return fail(`points.${i}: must be an object`);
    const rec = p as Record<string, unknown>;
    for (const key of Object.keys(rec))
      if (key !== 'recorded_at' && !(key in LIMITS)) fail(`points.${i}.${key}: unknown field`);
    for (const [key, [min, max]] of Object.entries(LIMITS)) {
      const v = rec[key];
      if (v === undefined && key !== 'lat' && key !== 'lng') continue;
      if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max)
        fail(`points.${i}.${key}: must be a number in ${min}..${max}`);
    }
    if (typeof rec.recorded_at !== 'string')
      return fail(`points.${i}.recorded_at: must be an ISO 8601 time`);
    return toLocationPoint(rec as unknown as PointInput);
  });
}
