import { type ChartBar, formatNumber } from './result.ts';

const WIDTH = 640;
const LABEL_W = 200;
const VALUE_W = 90;
const BAR_H = 26;
const GAP = 10;
const TOP = 44;
const OURS = '#2563eb';
const BASE = '#9ca3af';

function escapeXml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/**
 * A horizontal bar chart as a standalone SVG string: one bar per figure, ours in colour and the
 * baseline in grey, each labelled with its value. Hand-written so the report needs no chart library.
 */
export function barChart(title: string, unit: string, bars: readonly ChartBar[]): string {
  const alt = `${title}: ${bars.map((b) => `${b.label} ${formatNumber(b.value)}`).join(', ')} ${unit}`;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const span = WIDTH - LABEL_W - VALUE_W - 20;
  const height = TOP + bars.length * (BAR_H + GAP) + 24;
  const rows = bars.map((b, i) => {
    const y = TOP + i * (BAR_H + GAP);
    const w = Math.max(1, (b.value / max) * span);
    const mid = y + BAR_H / 2 + 4;
    return [
      `<text x="${LABEL_W - 8}" y="${mid}" text-anchor="end">${escapeXml(b.label)}</text>`,
      `<rect x="${LABEL_W}" y="${y}" width="${w.toFixed(1)}" height="${BAR_H}" rx="3" fill="${b.baseline ? BASE : OURS}"/>`,
      `<text x="${(LABEL_W + w + 6).toFixed(1)}" y="${mid}">${escapeXml(formatNumber(b.value))}</text>`,
    ].join('\n  ');
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, sans-serif" font-size="13" fill="#111827" role="img" aria-label="${escapeXml(alt)}">`,
    `  <title>${escapeXml(alt)}</title>`,
    `  <rect width="100%" height="100%" fill="#ffffff"/>`,
    `  <text x="12" y="22" font-size="15" font-weight="600">${escapeXml(title)}</text>`,
    `  <text x="${WIDTH - 12}" y="22" text-anchor="end" fill="#6b7280">${escapeXml(unit)} · <tspan fill="${OURS}">ours</tspan> / <tspan fill="${BASE}">baseline</tspan></text>`,
    `  ${rows.join('\n  ')}`,
    '</svg>',
    '',
  ].join('\n');
}
