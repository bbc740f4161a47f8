import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type Comparison, compareRuns, type RunReport } from './compare.ts';
import type { SimConfig } from './config.ts';
import { figuresOf, type WorldFigures } from './figures.ts';
import { writePlots } from './plots.ts';
import { orderLog } from './order-log.ts';
import { markdown } from './report-markdown.ts';
import { targetsOf } from './targets.ts';
import type { WorldResult } from './world.ts';

/** What report.json says of the run besides its figures. */
export interface ReportMeta {
  run: string;
  instance: string;
  /** The evening it played: where it was recorded, its demand hash, the file it replayed (or null). */
  evening: { file: string; sha256: string; replay_of: string | null };
}

/**
 * Writes report.json, report.md and the SVG plots of a run into `dir`, compared with an earlier
 * run when one is given. Returns whether every invariant held.
 */
export async function writeReport(
  dir: string,
  cfg: SimConfig,
  worlds: WorldResult[],
  meta: ReportMeta,
  earlier: RunReport | null = null,
): Promise<{ ok: boolean; figures: WorldFigures[]; compare: Comparison | null }> {
  await fs.mkdir(dir, { recursive: true });
  const figures = worlds.map((w) => figuresOf(w, cfg));
  await writePlots(dir, worlds);
  for (const w of worlds) {
    const name = `orders-${w.label.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.csv`;
    await fs.writeFile(path.join(dir, name), orderLog(w.state));
  }
  const ok = figures.every((f) => f.invariants.every((i) => i.ok));
  const targets = targetsOf(figures[0] as WorldFigures, figures[1]);
  const compare = earlier
    ? compareRuns(earlier, { run: meta.run, evening_sha256: meta.evening.sha256, worlds: figures })
    : null;
  const json = {
    ...meta,
    config: cfg,
    machine: {
      cpus: os.cpus().length,
      memory_gib: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
    },
    ok,
    targets,
    worlds: figures,
    ...(compare ? { compare } : {}),
  };
  await fs.writeFile(path.join(dir, 'report.json'), `${JSON.stringify(json, null, 2)}\n`);
  await fs.writeFile(
    path.join(dir, 'report.md'),
    markdown(cfg, figures, ok, meta, targets, compare),
  );
  return { ok, figures, compare };
}
