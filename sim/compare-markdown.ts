import { type Comparison, type FigureDelta, KEY_FIGURES, type WorldComparison } from './compare.ts';

// The comparison's section of report.md (and what `lastmile sim compare` prints).

const short = (sha: string | null) => (sha === null ? 'unknown' : sha.slice(0, 12));

function value(x: number | null, unit: string): string {
  if (x === null) return '–';
  if (unit === 'share') return `${Math.round(x * 1000) / 10} %`;
  return unit ? `${x} ${unit}` : String(x);
}

function deltaText(d: FigureDelta, unit: string): string {
  if (d.delta === null) return '–';
  const sign = d.delta > 0 ? '+' : d.delta < 0 ? '−' : '±';
  const size = Math.abs(d.delta);
  const amount =
    unit === 'share' ? `${Math.round(size * 1000) / 10} pts` : unit ? `${size} ${unit}` : `${size}`;
  return `${sign}${amount}${d.verdict === 'better' || d.verdict === 'worse' ? ` (${d.verdict})` : ''}`;
}

/** Whether both runs played the same evening, said loudly when they did not. */
export function demandNote(c: Comparison): string {
  const [a, b] = [short(c.earlier.evening_sha256), short(c.later.evening_sha256)];
  if (c.same_demand === true)
    return `Same evening (demand ${b}): the same visits at the same times and the same couriers, so the differences are the platform's.`;
  if (c.same_demand === false)
    return `**NOT THE SAME EVENING**: ${c.later.run} played demand ${b}, ${c.earlier.run} played ${a}. The differences mix a change of the platform with a change of the demand; replay the earlier evening (\`--replay\` its run) to compare on the same one.`;
  return `**Same evening unknown**: ${c.earlier.evening_sha256 === null ? c.earlier.run : c.later.run} recorded no evening (a run made before evenings were recorded), so these may be different demands.`;
}

const pair = (x: { ok: boolean; violations: number } | null) =>
  x === null ? '–' : x.ok ? 'held' : `**broken** (${x.violations})`;

function worldRows(w: WorldComparison, c: Comparison): string[] {
  const held = (side: 'earlier' | 'later') => {
    const known = w.invariants.filter((i) => i[side] !== null);
    return known.length === 0
      ? '–'
      : `${known.filter((i) => i[side]?.ok).length} of ${known.length}`;
  };
  const unsure = w.invariants.filter((i) => !i.earlier?.ok || !i.later?.ok);
  return [
    `### ${w.label}`,
    '',
    `| | ${c.earlier.run} | ${c.later.run} | Δ |`,
    '|---|---|---|---|',
    ...w.figures.map((d) => {
      const k = KEY_FIGURES.find((f) => f.figure === d.figure);
      const unit = k?.unit ?? '';
      return `| ${k?.name ?? d.figure} | ${value(d.earlier, unit)} | ${value(d.later, unit)} | ${deltaText(d, unit)} |`;
    }),
    `| invariants held | ${held('earlier')} | ${held('later')} | |`,
    '',
    ...(unsure.length === 0
      ? []
      : [
          `| invariant | ${c.earlier.run} | ${c.later.run} |`,
          '|---|---|---|',
          ...unsure.map((i) => `| ${i.name} | ${pair(i.earlier)} | ${pair(i.later)} |`),
          '',
        ]),
    `| route p99 | ${c.earlier.run} | ${c.later.run} | Δ |`,
    '|---|---|---|---|',
    ...w.route_p99.map(
      (r) =>
        `| ${r.route} | ${value(r.earlier_p99_ms, 'ms')} | ${value(r.later_p99_ms, 'ms')} | ${deltaText({ figure: r.route, earlier: r.earlier_p99_ms, later: r.later_p99_ms, delta: r.delta_ms, verdict: null }, 'ms')} |`,
    ),
    '',
  ];
}

/** `## Compared with <run>`: the demand note, then per world the figures side by side. */
export function compareSection(c: Comparison): string[] {
  return [
    `## Compared with ${c.earlier.run}`,
    '',
    demandNote(c),
    '',
    `Δ is ${c.later.run} minus ${c.earlier.run}; "better" or "worse" where a figure has a direction.`,
    '',
    ...c.worlds.flatMap((w) => worldRows(w, c)),
  ];
}
