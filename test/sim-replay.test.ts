import fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SIM, QUICK, type SimConfig } from '../sim/config.ts';
import {
  canonicalJson,
  decodeEvening,
  demandHash,
  encodeEvening,
  type Evening,
  EVENING_VERSION,
  EveningError,
  eveningOf,
  readEvening,
  sha256,
  writeEvening,
} from '../sim/evening.ts';
import { makePlan } from '../sim/plan.ts';
import { recordedStreets, simStreetsDocument, streetsSourceOf } from '../sim/streets.ts';

// A run records the evening it played (evening.json) so `--replay` plays exactly it again; a file
// of another version or a damaged one is refused with a clear reason.

const QUICK_42: SimConfig = { ...DEFAULT_SIM, ...QUICK, seed: 42 };
/** A small city, so its streets are generated in a moment. */
const SMALL: SimConfig = {
  ...DEFAULT_SIM,
  seed: 7,
  ordersPerHour: 120,
  normalMin: 1,
  rushMin: 1,
  afterMin: 0,
  stores: 2,
  productsPerStore: 10,
  customers: 20,
  drivers: 6,
  cityRadiusM: 500,
  zoneRadiusM: 500,
};

const record = (cfg: SimConfig, run = 'made-up'): Evening => {
  const streets = JSON.stringify(simStreetsDocument(cfg));
  return eveningOf(run, cfg, makePlan(cfg), streetsSourceOf(cfg, streets));
};

let dir: string;
let small: Evening;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(tmpdir(), 'lastmile-evening-'));
  small = record(SMALL);
});
afterAll(() => fs.rm(dir, { recursive: true, force: true }));

/** A copy of the small evening's JSON with `change` applied. */
function altered(change: (doc: Record<string, unknown> & Evening) => void): Buffer {
  const doc = JSON.parse(JSON.stringify(small)) as Record<string, unknown> & Evening;
  change(doc);
  return Buffer.from(JSON.stringify(doc));
}

describe('recording an evening', () => {
  it('loads back exactly the plan and config the seed generated', async () => {
    const evening = record(QUICK_42, 'quick-42');
    const file = await writeEvening(path.join(dir, 'quick-42'), evening);
    expect(path.basename(file)).toBe('evening.json');
    for (const target of [file, path.dirname(file)]) {
      const loaded = await readEvening(target);
      expect(loaded.file).toBe(file);
      expect(loaded.evening.plan).toEqual(makePlan(QUICK_42));
      expect(loaded.evening.config).toEqual(QUICK_42);
      expect(loaded.evening).toEqual(evening);
      expect(demandHash(loaded.evening)).toBe(demandHash(evening));
    }
  });

  it('is small for a --quick evening, and plain JSON for the default one', () => {
    const quick = encodeEvening(record(QUICK_42));
    expect(quick.name).toBe('evening.json');
    expect(quick.bytes.length).toBeLessThan(100_000);
    const plan = makePlan({ ...DEFAULT_SIM, seed: 42 });
    const full = encodeEvening({ ...small, config: { ...DEFAULT_SIM, seed: 42 }, plan });
    expect(full.name).toBe('evening.json');
    expect(full.bytes.length).toBeLessThan(1 << 20);
  });

  it('writes a large evening gzipped, reads it back, and leaves no stale plain file beside', async () => {
    const many = { ...small, plan: { ...small.plan, visits: [] as Evening['plan']['visits'] } };
    const visit = small.plan.visits[0] as Evening['plan']['visits'][number];
    for (let i = 0; i < 5000; i++) many.plan.visits.push({ ...visit, index: i, address: `x ${i}` });
    const target = path.join(dir, 'large');
    await writeEvening(target, small);
    const file = await writeEvening(target, many);
    expect(path.basename(file)).toBe('evening.json.gz');
    expect(await fs.readdir(target)).toEqual(['evening.json.gz']);
    expect((await readEvening(target)).evening).toEqual(many);
  });

  it('fingerprints the demand: same seed and flags same hash, whatever the run or key order', () => {
    const again = record(SMALL, 'another-run');
    expect(demandHash(again)).toBe(demandHash(small));
    const reordered = JSON.parse(canonicalJson(small)) as Evening;
    expect(demandHash(reordered)).toBe(demandHash(small));
    expect(demandHash(record({ ...SMALL, seed: 8 }))).not.toBe(demandHash(small));
    const nudged = altered((d) => {
      (d.plan.visits[0] as { atS: number }).atS += 0.001;
    });
    expect(demandHash(decodeEvening(nudged, 'nudged'))).not.toBe(demandHash(small));
  });
});

describe('replaying refuses', () => {
  const refusal = (bytes: Buffer) => {
    try {
      decodeEvening(bytes, 'evening.json');
    } catch (err) {
      expect(err).toBeInstanceOf(EveningError);
      return (err as Error).message;
    }
    throw new Error('decoded');
  };

  it('an evening of another format version, naming both versions', () => {
    const older = altered((d) => {
      d.version = 0 as typeof EVENING_VERSION;
    });
    expect(refusal(older)).toBe(
      `evening.json is an evening of format version 0; this lastmile replays version ${EVENING_VERSION} only`,
    );
    expect(refusal(altered((d) => delete (d as { version?: number }).version))).toMatch(
      /format version undefined/,
    );
  });

  it('a file that is not an evening', () => {
    expect(refusal(Buffer.from('{"worlds": []}'))).toMatch(/is not a recorded evening/);
    expect(refusal(Buffer.from('[]'))).toMatch(/is not a recorded evening/);
  });

  it('a truncated or damaged file', () => {
    const json = Buffer.from(JSON.stringify(small));
    expect(refusal(json.subarray(0, json.length / 2))).toMatch(/is corrupt: not JSON/);
    const gz = gzipSync(json);
    expect(refusal(gz.subarray(0, gz.length - 20))).toMatch(/is corrupt: not a readable gzip/);
  });

  it('a field missing or of the wrong kind, with its path', () => {
    const noVisitTime = altered((d) => {
      delete (d.plan.visits[1] as { atS?: number }).atS;
    });
    expect(refusal(noVisitTime)).toMatch(/is corrupt: \/plan\/visits\/1\/atS/);
    const wrongCard = altered((d) => {
      (d.plan.visits[0] as { card: string }).card = 'tok_gold';
    });
    expect(refusal(wrongCard)).toMatch(/is corrupt: \/plan\/visits\/0\/card/);
  });

  it('indexes that point nowhere and a stock table of another shape', () => {
    const ghost = altered((d) => {
      (d.plan.visits[0] as Evening['plan']['visits'][number]).items[0] = {
        product: 99,
        quantity: 1,
      };
    });
    expect(refusal(ghost)).toBe(
      'evening.json is corrupt: visit 0 buys a product the catalog does not have',
    );
    const shortStock = altered((d) => d.plan.stock.pop());
    expect(refusal(shortStock)).toMatch(/the stock is not one row of 10 per store/);
  });

  it('a path that holds no evening', async () => {
    await expect(readEvening(path.join(dir, 'nowhere'))).rejects.toThrow(/does not exist/);
    await fs.mkdir(path.join(dir, 'old-run'));
    await expect(readEvening(path.join(dir, 'old-run'))).rejects.toThrow(
      /holds no evening\.json: the run was made before runs recorded their evening/,
    );
  });
});

describe("an evening's streets", () => {
  it('are generated again when the generator still makes them', async () => {
    const doc = await recordedStreets(small, path.join(dir, 'nowhere', 'evening.json'));
    expect(sha256(doc)).toBe(small.streets.sha256);
  });

  it("come from the run's streets.geojson when the generator makes others", async () => {
    const kept = JSON.stringify({ type: 'FeatureCollection', features: [] });
    const other = { ...small, streets: { ...small.streets, sha256: sha256(kept) } };
    const runDir = path.join(dir, 'kept-streets');
    await fs.mkdir(runDir);
    const file = path.join(runDir, 'evening.json');
    await expect(recordedStreets(other, file)).rejects.toThrow(/are gone: .* is missing/);
    await fs.writeFile(path.join(runDir, 'streets.geojson'), kept);
    expect(await recordedStreets(other, file)).toBe(kept);
    await fs.writeFile(path.join(runDir, 'streets.geojson'), '{}');
    await expect(recordedStreets(other, file)).rejects.toThrow(/is another network/);
  });
});
