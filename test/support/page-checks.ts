import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

// What the browser suites check of a screen beyond what it does: accessibility (axe-core, run in
// the page), and how much its layout jumps while live data arrives (cumulative layout shift).

const AXE_SOURCE = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

type Impact = 'minor' | 'moderate' | 'serious' | 'critical';

/** A rule axe found broken on a screen, with the elements that break it. */
export interface AxeViolation {
  id: string;
  impact: Impact;
  help: string;
  /** Each element: its CSS selector, then what axe says is wrong with it. */
  nodes: string[];
}

/**
 * Runs axe-core in `page` (WCAG 2.x A and AA, and axe's best practices) and returns the violations
 * of the given impacts (serious and critical unless told). The script goes in through the
 * DevTools protocol, so the pages' Content-Security-Policy (scripts of their own origin only)
 * stays as it is.
 */
export async function axeViolations(
  page: Page,
  impacts: readonly Impact[] = ['serious', 'critical'],
): Promise<AxeViolation[]> {
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(AXE_SOURCE);
  return page.evaluate<AxeViolation[]>(`(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return result.violations
      .filter((v) => ${JSON.stringify(impacts)}.includes(v.impact))
      .map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n) => n.target.join(' ') + ': ' + n.failureSummary.replace(/\\s+/g, ' ')),
      }));
  })()`);
}

/** Violations as a person reads them in a failed test. */
export const describeViolations = (where: string, found: AxeViolation[]) =>
  found
    .map(
      (v) =>
        `${where}: ${v.impact} ${v.id} (${v.help})\n${v.nodes.map((n) => `    ${n}`).join('\n')}`,
    )
    .join('\n');

/** Fails the test when axe finds a serious or critical violation on the page, naming each. */
export async function expectAccessible(page: Page, where: string): Promise<void> {
  const found = await axeViolations(page);
  expect(found, describeViolations(where, found)).toEqual([]);
}

/** One layout shift the page reported, and the elements that moved. */
export interface LayoutShift {
  value: number;
  at: number;
  moved: string[];
}

/**
 * Starts recording the page's layout shifts (a `PerformanceObserver` of `layout-shift`, buffered,
 * so shifts since the page loaded are in) and returns the page's time now: pass it to
 * `layoutShiftSince` to sum what shifted from then on.
 */
export async function watchLayoutShifts(page: Page): Promise<number> {
  return page.evaluate<number>(`(() => {
    if (!window.__shifts) {
      window.__shifts = [];
      const name = (node) => {
        if (!node || node.nodeType !== 1) return String(node && node.nodeName);
        const test = node.getAttribute('data-testid');
        const cls = node.getAttribute('class');
        return node.tagName.toLowerCase() + (test ? '[data-testid=' + test + ']' : '') +
          (cls ? '.' + cls.trim().split(/\\s+/).join('.') : '');
      };
      new PerformanceObserver((list) => {
        for (const e of list.getEntries())
          window.__shifts.push({
            value: e.value,
            at: e.startTime,
            input: e.hadRecentInput,
            moved: (e.sources || []).map((s) => name(s.node)),
          });
      }).observe({ type: 'layout-shift', buffered: true });
    }
    return performance.now();
  })()`);
}

/**
 * The layout shifts since `since` (the page's time from `watchLayoutShifts`) that no input caused,
 * and their sum: the page's cumulative layout shift over that time (every shift counted, not only
 * the worst burst, so this is never below what a browser would report).
 */
export async function layoutShiftSince(
  page: Page,
  since: number,
): Promise<{ cls: number; shifts: LayoutShift[] }> {
  // Entries are delivered to the observer after the frame they happened in: let one go by.
  await page.evaluate('new Promise((ok) => requestAnimationFrame(() => setTimeout(ok, 50)))');
  const all = await page.evaluate<Array<LayoutShift & { input: boolean }>>('window.__shifts');
  const shifts = all
    .filter((s) => !s.input && s.at >= since)
    .map(({ value, at, moved }) => ({ value, at, moved }));
  return { cls: shifts.reduce((n, s) => n + s.value, 0), shifts };
}
