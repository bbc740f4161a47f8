/** Hand-written SVG plots for the simulation report: lines over time and histograms, no library. */

export interface Series {
  name: string;
  color: string;
  points: ReadonlyArray<readonly [number, number]>;
}

const W = 720;
const H = 320;
const PAD = { left: 60, right: 20, top: 40, bottom: 46 };

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** 1, 2 or 5 × a power of ten: tick steps people read easily. */
function niceStep(span: number, ticks = 5): number {
  const raw = span / ticks;
  const pow = 10 ** Math.floor(Math.log10(raw || 1));
  const m = raw / pow;
  return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * pow;
}

const fmt = (n: number) =>
  Math.abs(n) >= 100 || Number.isInteger(n) ? String(Math.round(n)) : n.toFixed(1);

function frame(
  title: string,
  xLabel: string,
  yLabel: string,
  xMax: number,
  yMax: number,
  legend: ReadonlyArray<{ name: string; color: string }>,
  body: string[],
): string {
  const pw = W - PAD.left - PAD.right;
  const ph = H - PAD.top - PAD.bottom;
  const xs = niceStep(xMax);
  const ys = niceStep(yMax);
  const grid: string[] = [];
  for (let y = 0; y <= yMax + 1e-9; y += ys) {
    const py = PAD.top + ph - (y / yMax) * ph;
    grid.push(
      `<line x1="${PAD.left}" x2="${PAD.left + pw}" y1="${py.toFixed(1)}" y2="${py.toFixed(1)}" stroke="#e5e7eb"/>`,
    );
    grid.push(
      `<text x="${PAD.left - 6}" y="${(py + 4).toFixed(1)}" text-anchor="end" fill="#6b7280">${fmt(y)}</text>`,
    );
  }
  for (let x = 0; x <= xMax + 1e-9; x += xs) {
    const px = PAD.left + (x / xMax) * pw;
    grid.push(
      `<text x="${px.toFixed(1)}" y="${PAD.top + ph + 16}" text-anchor="middle" fill="#6b7280">${fmt(x)}</text>`,
    );
  }
  const legendSvg = legend.map(
    (l, i) =>
      `<rect x="${W - PAD.right - 170}" y="${12 + i * 16}" width="10" height="10" fill="${l.color}"/><text x="${W - PAD.right - 155}" y="${21 + i * 16}">${esc(l.name)}</text>`,
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, sans-serif" font-size="12" fill="#111827" role="img" aria-label="${esc(title)}">`,
    `<title>${esc(title)}</title>`,
    '<rect width="100%" height="100%" fill="#ffffff"/>',
    `<text x="12" y="22" font-size="15" font-weight="600">${esc(title)}</text>`,
    ...grid,
    `<line x1="${PAD.left}" x2="${PAD.left}" y1="${PAD.top}" y2="${PAD.top + ph}" stroke="#9ca3af"/>`,
    `<line x1="${PAD.left}" x2="${PAD.left + pw}" y1="${PAD.top + ph}" y2="${PAD.top + ph}" stroke="#9ca3af"/>`,
    `<text x="${PAD.left + pw / 2}" y="${H - 8}" text-anchor="middle" fill="#374151">${esc(xLabel)}</text>`,
    `<text x="14" y="${PAD.top + ph / 2}" text-anchor="middle" fill="#374151" transform="rotate(-90 14 ${PAD.top + ph / 2})">${esc(yLabel)}</text>`,
    ...body,
    ...legendSvg,
    '</svg>',
    '',
  ].join('\n');
}

export function lineChart(
  title: string,
  xLabel: string,
  yLabel: string,
  series: readonly Series[],
): string {
  const xMax = Math.max(1, ...series.flatMap((s) => s.points.map((p) => p[0])));
  const yMax = Math.max(1, ...series.flatMap((s) => s.points.map((p) => p[1]))) * 1.1;
  const pw = W - PAD.left - PAD.right;
  const ph = H - PAD.top - PAD.bottom;
  const body = series.map((s) => {
    const d = s.points
      .map(
        ([x, y], i) =>
          `${i === 0 ? 'M' : 'L'}${(PAD.left + (x / xMax) * pw).toFixed(1)},${(PAD.top + ph - (y / yMax) * ph).toFixed(1)}`,
      )
      .join(' ');
    return `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"/>`;
  });
  return frame(title, xLabel, yLabel, xMax, yMax, series, body);
}

/** Side-by-side bars per bin; `bins` are the upper edges, each series counts per bin. */
export function histogram(
  title: string,
  xLabel: string,
  binWidth: number,
  series: ReadonlyArray<{ name: string; color: string; counts: readonly number[] }>,
): string {
  const bins = Math.max(1, ...series.map((s) => s.counts.length));
  const xMax = bins * binWidth;
  const yMax = Math.max(1, ...series.flatMap((s) => s.counts)) * 1.1;
  const pw = W - PAD.left - PAD.right;
  const ph = H - PAD.top - PAD.bottom;
  const slot = pw / bins;
  const bw = (slot * 0.85) / series.length;
  const body = series.flatMap((s, k) =>
    s.counts.map((c, i) => {
      const h = (c / yMax) * ph;
      return `<rect x="${(PAD.left + i * slot + k * bw).toFixed(1)}" y="${(PAD.top + ph - h).toFixed(1)}" width="${bw.toFixed(1)}" height="${h.toFixed(1)}" fill="${s.color}"/>`;
    }),
  );
  return frame(title, xLabel, 'orders', xMax, yMax, series, body);
}
