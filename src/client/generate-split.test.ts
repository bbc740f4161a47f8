import { describe, expect, it } from 'vitest';
import { interfaceOf, linesOf, pack, parse, piecesOf } from './generate-split.ts';

// The cutting of generated interfaces into files (generate-split.ts), on made-up interfaces; the
// real ones are checked by drift.test.ts (every generated file as committed, none over 300 lines).

/** An object type of `lines` lines, its closing brace indented by `indent`. */
const object = (lines: number, indent = '') =>
  [
    '{',
    ...Array.from({ length: lines - 2 }, (_, i) => `${indent}  f${i}: string;`),
    `${indent}}`,
  ].join('\n');
/** A field `name` of an object type `lines` lines long. */
const field = (name: string, lines: number, indent: string) =>
  `${indent}${name}: ${object(lines, indent)};`;

const source = (members: string) => `export interface operations {\n${members}\n}\n`;

describe('cutting a generated interface', () => {
  it('keeps members that fit as they are, doc comments included', () => {
    const text = source(`  /** Small. */\n${field('small', 10, '  ')}`);
    const sf = parse(text);
    const pieces = piecesOf(sf, interfaceOf(sf, 'operations').members);
    expect(pieces).toEqual([
      { key: 'small', kind: 'member', text: `/** Small. */\n${field('small', 10, '')}`, uses: [] },
    ]);
  });

  it('gives the biggest fields of a member too big for a file types of their own', () => {
    const big = [
      '  getBig: {',
      field('parameters', 20, '    '),
      '    responses: {',
      field('200', 200, '      '),
      field('400', 150, '      '),
      '    };',
      '  };',
    ].join('\n');
    const sf = parse(source(big));
    const pieces = piecesOf(sf, interfaceOf(sf, 'operations').members);
    expect(pieces.map((p) => [p.key, p.kind, p.uses])).toEqual([
      ['getBig', 'member', ['GetBigResponses']],
      ['GetBigResponses', 'type', ['GetBigResponses200']],
      ['GetBigResponses200', 'type', []],
    ]);
    expect(pieces[0]?.text).toContain('\n  responses: GetBigResponses;\n');
    expect(pieces[1]?.text).toMatch(
      /^export type GetBigResponses = \{\n {2}200: GetBigResponses200;/,
    );
    expect(pieces[2]?.text).toBe(`export type GetBigResponses200 = ${object(200)};`);
    for (const p of pieces) expect(linesOf(p.text)).toBeLessThanOrEqual(270);
  });

  it('refuses a member it cannot cut small enough', () => {
    const union = Array.from({ length: 400 }, (_, i) => `    | 'v${i}'`).join('\n');
    const sf = parse(source(`  huge:\n${union};`));
    expect(() => piecesOf(sf, interfaceOf(sf, 'operations').members)).toThrow(/huge is too big/);
  });

  it('packs pieces in order into parts of at most 270 lines', () => {
    const members = ['a', 'b', 'c', 'd'].map((k) => field(k, 100, '  ')).join('\n');
    const sf = parse(source(members));
    const parts = pack(piecesOf(sf, interfaceOf(sf, 'operations').members));
    expect(parts.map((p) => p.map((x) => x.key))).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });
});
