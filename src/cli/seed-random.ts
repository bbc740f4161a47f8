import { createHash } from 'node:crypto';

/** A uniform number in [0, 1). */
export type Rng = () => number;

/**
 * sfc32 seeded from a SHA-256 of `key`: small, fast and good enough for test data. Every generated
 * thing (a product, a store, a customer point) gets its own stream keyed by what it is, so a
 * product's fields never depend on how many products were generated before or after it.
 */
export function rngFor(key: string): Rng {
  const h = createHash('sha256').update(key).digest();
  let a = h.readUInt32LE(0);
  let b = h.readUInt32LE(4);
  let c = h.readUInt32LE(8);
  let d = h.readUInt32LE(12);
  const next = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  return next;
}

export const intBetween = (rng: Rng, lo: number, hi: number): number =>
  lo + Math.floor(rng() * (hi - lo + 1));

export function pick<T>(rng: Rng, items: readonly T[]): T {
  const item = items[Math.floor(rng() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

/** Picks by weight; `weights` has one entry per item. */
export function pickWeighted<T>(rng: Rng, items: readonly T[], weights: readonly number[]): T {
  const total = weights.reduce((s, w) => s + w, 0);
  let x = rng() * total;
  for (let i = 0; i < items.length; i++) {
    x -= weights[i] ?? 0;
    if (x < 0) return items[i] as T;
  }
  return items[items.length - 1] as T;
}

/** Standard normal variate (Box–Muller). */
export function gaussian(rng: Rng): number {
  const u = 1 - rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/**
 * A 32-bit integer hash of three integers (murmur3's finaliser): one per stock row, so 50M rows
 * cost no allocation. Returns a uniform number in [0, 1).
 */
export function hash3(a: number, b: number, c: number): number {
  let h =
    Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^
    Math.imul(b + 0x7f4a7c15, 0xc2b2ae35) ^
    Math.imul(c ^ 0x165667b1, 0x27d4eb2f);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

/**
 * Deterministic ids for generated rows: RFC 9562 UUIDv8 ("custom") laid out as
 *   bytes 0–2  namespace (seed × 8 + city layout), bytes 3–5 serial, version 8, then 74 hash bits.
 * Sorted, the ids of one namespace are contiguous and in serial order, so (a) a re-run finds the
 * rows it made, (b) "this store's stock of this seed's products" is one primary-key range, and
 * (c) loading stores and products in serial order appends to the right edge of the stock index.
 */
export const MAX_NAMESPACE = 0xffffff;
export const MAX_SERIAL = 0xffffff;

export function seedUuidBytes(namespace: number, serial: number): Buffer {
  if (namespace < 0 || namespace > MAX_NAMESPACE || serial < 0 || serial > MAX_SERIAL)
    throw new RangeError(`seed id out of range: ${namespace}/${serial}`);
  const out = Buffer.alloc(16);
  out.writeUIntBE(namespace, 0, 3);
  out.writeUIntBE(serial, 3, 3);
  createHash('sha256').update(`lastmile-seed:${namespace}:${serial}`).digest().copy(out, 6, 0, 10);
  out[6] = 0x80 | ((out[6] ?? 0) & 0x0f);
  out[8] = 0x80 | ((out[8] ?? 0) & 0x3f);
  return out;
}

export function formatUuid(b: Buffer): string {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export const seedUuid = (namespace: number, serial: number): string =>
  formatUuid(seedUuidBytes(namespace, serial));
