import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { Value } from '@sinclair/typebox/value';
import type { SimConfig } from './config.ts';
import { EveningBodySchema, type StreetsSource } from './evening-schema.ts';
import type { Plan } from './plan.ts';

/**
 * A recorded evening: everything a run played, so another run can play exactly it again
 * (`npm run sim -- --replay <run>`), whatever the plan's generator has become since. It holds
 * the config (its seed also keys what agents draw during the evening: a courier's answers and
 * speed, `sim:<seed>:driver:<i>`), the city (stores, products, stock), every visit with its
 * timings and behaviours, the fleet with start positions, shift starts and vehicles, and the
 * streets the couriers drove (the generated network's city, region and hash: the network itself is
 * megabytes, and a replay regenerates it or takes the run's streets.geojson).
 */
export interface Evening {
  format: typeof EVENING_FORMAT;
  version: typeof EVENING_VERSION;
  /** The run that recorded it, and when (not part of the demand). */
  run: string;
  recorded_at: string;
  config: SimConfig;
  streets: StreetsSource;
  plan: Plan;
}

export type { StreetsSource };
export const EVENING_FORMAT = 'lastmile-sim-evening';
/** Raised whenever a field is added, renamed or means something else; older files are refused. */
export const EVENING_VERSION = 2;
export const EVENING_FILE = 'evening.json';
/** Larger evenings are written gzipped, as evening.json.gz. */
const GZIP_ABOVE_BYTES = 1 << 20;

/** A file that is not an evening this lastmile can replay: its message says why. */
export class EveningError extends Error {}

export const sha256 = (text: string | Buffer): string =>
  createHash('sha256').update(text).digest('hex');

/** JSON with every object's keys sorted, so equal values hash equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The demand's fingerprint: the config, the streets and the plan (not who recorded it or when), so
 * a replay and a fresh run of the same seed and flags name the same evening.
 */
export const demandHash = (e: Pick<Evening, 'config' | 'streets' | 'plan'>): string =>
  sha256(canonicalJson({ config: e.config, streets: e.streets, plan: e.plan }));

export function eveningOf(
  run: string,
  config: SimConfig,
  plan: Plan,
  streets: StreetsSource,
): Evening {
  return {
    format: EVENING_FORMAT,
    version: EVENING_VERSION,
    run,
    recorded_at: new Date().toISOString(),
    config,
    streets,
    plan,
  };
}

/** The file's bytes: compact JSON, gzipped when large. */
export function encodeEvening(e: Evening): { name: string; bytes: Buffer } {
  const json = Buffer.from(JSON.stringify(e));
  return json.length > GZIP_ABOVE_BYTES
    ? { name: `${EVENING_FILE}.gz`, bytes: gzipSync(json) }
    : { name: EVENING_FILE, bytes: json };
}

/** Writes the evening into `dir` (evening.json, or evening.json.gz when large); returns its path. */
export async function writeEvening(dir: string, e: Evening): Promise<string> {
  const { name, bytes } = encodeEvening(e);
  await fs.mkdir(dir, { recursive: true });
  // A run written over an older one leaves one evening, not two that disagree.
  for (const other of [EVENING_FILE, `${EVENING_FILE}.gz`])
    if (other !== name) await fs.rm(path.join(dir, other), { force: true });
  const file = path.join(dir, name);
  await fs.writeFile(file, bytes);
  return file;
}

/** The evening in a file's bytes, or an EveningError saying why it cannot be replayed. */
export function decodeEvening(bytes: Buffer, source: string): Evening {
  let text: string;
  try {
    text = (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes).toString('utf8');
  } catch (err) {
    throw new EveningError(`${source} is corrupt: not a readable gzip (${(err as Error).message})`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new EveningError(`${source} is corrupt: not JSON (${(err as Error).message})`);
  }
  const head = (doc ?? {}) as { format?: unknown; version?: unknown };
  if (typeof doc !== 'object' || head.format !== EVENING_FORMAT)
    throw new EveningError(
      `${source} is not a recorded evening (no "format": "${EVENING_FORMAT}")`,
    );
  if (head.version !== EVENING_VERSION)
    throw new EveningError(
      `${source} is an evening of format version ${JSON.stringify(head.version)}; this lastmile replays version ${EVENING_VERSION} only`,
    );
  const error = Value.Errors(EveningBodySchema, doc).First();
  if (error)
    throw new EveningError(
      `${source} is corrupt: ${error.path || '/'} ${error.message} (got ${JSON.stringify(error.value)?.slice(0, 80)})`,
    );
  const e = doc as Evening;
  const problem = inconsistency(e);
  if (problem) throw new EveningError(`${source} is corrupt: ${problem}`);
  return e;
}

/** What the schema cannot see: indexes that point nowhere, a stock table of another shape, times out of order. */
function inconsistency({ config, plan }: Evening): string | null {
  if (plan.stores.length !== config.stores)
    return `${plan.stores.length} stores planned, the config says ${config.stores}`;
  if (plan.products.length !== config.productsPerStore)
    return `${plan.products.length} products planned, the config says ${config.productsPerStore}`;
  if (
    plan.stock.length !== plan.stores.length ||
    plan.stock.some((row) => row.length !== plan.products.length)
  )
    return `the stock is not one row of ${plan.products.length} per store`;
  const badItem = plan.visits.find((v) => v.items.some((i) => i.product >= plan.products.length));
  if (badItem) return `visit ${badItem.index} buys a product the catalog does not have`;
  const late = plan.visits.find((v, i) => v.atS > plan.durationS || v.index !== i);
  if (late) return `visit ${late.index} is out of order or after the evening's end`;
  const driver = plan.drivers.find((d, i) => d.index !== i);
  if (driver) return `driver ${driver.index} is out of order`;
  return null;
}

/**
 * Reads the evening of `target`: an evening file, or a run's directory holding one. Refuses a file
 * of another format version or a corrupt one (EveningError).
 */
export async function readEvening(target: string): Promise<{ evening: Evening; file: string }> {
  const file = await eveningFileIn(target);
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (err) {
    throw new EveningError(`cannot read ${file}: ${(err as Error).message}`);
  }
  return { evening: decodeEvening(bytes, file), file };
}

/** The evening file `target` names: itself, or the one in the directory it names. */
export async function eveningFileIn(target: string): Promise<string> {
  const stat = await fs.stat(target).catch(() => null);
  if (!stat) throw new EveningError(`${target} does not exist`);
  if (!stat.isDirectory()) return target;
  for (const name of [EVENING_FILE, `${EVENING_FILE}.gz`]) {
    const file = path.join(target, name);
    if (await fs.stat(file).catch(() => null)) return file;
  }
  throw new EveningError(
    `${target} holds no ${EVENING_FILE}: the run was made before runs recorded their evening`,
  );
}
