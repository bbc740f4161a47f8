import { AppError } from '../errors.ts';

/** A box in degrees (WGS 84), as maps send it: `west,south,east,north`. */
export interface Bbox {
  west: number;
  south: number;
  east: number;
  north: number;
}

/** How wide or tall a box a map route serves, metres. */
export const MAX_BBOX_SPAN_M = 10_000;

const M_PER_DEG = 111_195;
const MAX_SPAN_DEG = 1;
const DECIMAL = /^-?\d{1,3}(\.\d{1,12})?$/;

/** The box's width and height in metres (width measured at its middle latitude). */
export function bboxSpanM(b: Bbox): { widthM: number; heightM: number } {
  const mid = ((b.south + b.north) / 2) * (Math.PI / 180);
  return {
    widthM: (b.east - b.west) * M_PER_DEG * Math.cos(mid),
    heightM: (b.north - b.south) * M_PER_DEG,
  };
}

/**
 * Reads a `bbox` query parameter. Anything but four plain decimals in range, west < east and
 * south < north, at most `maxSpanM` across either way, is a 422 naming the parameter.
 */
export function parseBbox(raw: string, param = 'bbox', maxSpanM = MAX_BBOX_SPAN_M): Bbox {
  const refuse = (message: string): never => {
    throw new AppError('UNPROCESSABLE', `${param}: ${message}`, {
      details: { errors: [{ path: `querystring.${param}`, message }] },
    });
  };
  const parts = raw.split(',');
  if (parts.length !== 4) refuse('expected four numbers: west,south,east,north');
  const [west, south, east, north] = parts.map((p) => {
    const t = p.trim();
    if (!DECIMAL.test(t)) refuse(`"${t.slice(0, 20)}" is not a decimal number of degrees`);
    return Number(t);
  }) as [number, number, number, number];
  if (Math.abs(west) > 180 || Math.abs(east) > 180) refuse('longitudes lie within ±180');
  if (Math.abs(south) > 90 || Math.abs(north) > 90) refuse('latitudes lie within ±90');
  if (west >= east) refuse('west must be less than east');
  if (south >= north) refuse('south must be less than north');
  // Near the poles 10 km spans many degrees of longitude; no city needs more than these.
  if (east - west > MAX_SPAN_DEG || north - south > MAX_SPAN_DEG)
    refuse(`the box spans more than ${MAX_SPAN_DEG}° either way`);
  const box = { west, south, east, north };
  const { widthM, heightM } = bboxSpanM(box);
  if (Math.max(widthM, heightM) > maxSpanM)
    refuse(`the box is ${Math.round(Math.max(widthM, heightM))} m across; at most ${maxSpanM}`);
  return box;
}
