import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { SimConfig } from './config.ts';
import { figuresOf, type WorldFigures } from './figures.ts';
import { writePlots } from './plots.ts';
import { orderLog } from './order-log.ts';
import { markdown } from './report-markdown.ts';
import { targetsOf } from './targets.ts';
import type { WorldResult } from './world.ts';

/** Writes report.json, report.md and the SVG plots of a run into `dir`. Returns whether every invariant held. */
export async function writeReport(
  dir: string,
  cfg: SimConfig,
  worlds: WorldResult[],
  meta: Record<string, unknown>,
): Promise<{ ok: boolean; figures: WorldFigures[] }> {
  await fs.mkdir(dir, { recursive: true });
  const figures = worlds.map((w) => figuresOf(w, cfg));
  await writePlots(dir, worlds);
  for (const w of worlds) {
    const name = `orders-${w.label.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.csv`;
    await fs.writeFile(path.join(dir, name), orderLog(w.state));
  }
  const ok = figures.every((f) => f.invariants.every((i) => i.ok));
  const targets = targetsOf(figures[0] as WorldFigures, figures[1]);
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
  };
  await fs.writeFile(path.join(dir, 'report.json'), `${JSON.stringify(json, null, 2)}\n`);
  await fs.writeFile(path.join(dir, 'report.md'), markdown(cfg, figures, ok, meta, targets));
  return { ok, figures };
}
