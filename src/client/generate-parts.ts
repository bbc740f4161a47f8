import type ts from 'typescript';
import {
  assembled,
  importPath,
  linesOf,
  pack,
  partBody,
  pascal,
  type Piece,
} from './generate-split.ts';

// The parts of one cut interface (generate-split.ts): which file each piece goes to, and each
// part's text with the imports it needs.

/** A file the generator writes: its path from the repository's root and its text. */
export interface GeneratedFile {
  file: string;
  text: string;
}

/** A member with the types taken out of it (they follow it, so they go where it goes). */
export interface Unit {
  key: string;
  pieces: Piece[];
}

export function unitsOf(pieces: readonly Piece[]): Unit[] {
  const units: Unit[] = [];
  for (const p of pieces) {
    if (p.kind === 'member') units.push({ key: p.key, pieces: [p] });
    else units.at(-1)?.pieces.push(p);
  }
  return units;
}

export const textOfUnit = (u: Unit) => u.pieces.map((p) => p.text).join('\n');

/** One file of a cut interface. */
export interface Part {
  file: string;
  group: string;
  /** The interface of its members (none when it holds only types taken out of members). */
  name: string | undefined;
  pieces: Piece[];
  /** The part's place among its group's parts, from 1, and how many the group has. */
  n: number;
  of: number;
}

/** `store orders`, `driverChannel` → `store-orders`, `driver-channel`. */
export const slug = (text: string) =>
  text
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

/**
 * The groups' units packed into parts: `file(group, n)` names the file of the n-th part of a
 * group, the interfaces are named `<Group><suffix>[n]`.
 */
export function partsOf(
  groups: ReadonlyMap<string, readonly Unit[]>,
  suffix: string,
  file: (group: string, n: number) => string,
): Part[] {
  return [...groups].flatMap(([group, units]) => {
    const packed = pack(units.flatMap((u) => u.pieces));
    return packed.map((pieces, i) => ({
      file: file(group, i + 1),
      group,
      name: pieces.some((p) => p.kind === 'member')
        ? `${pascal(group)}${suffix}${i ? i + 1 : ''}`
        : undefined,
      pieces,
      n: i + 1,
      of: packed.length,
    }));
  });
}

/** `import type { a, b } from '…';` for each file the names come from, sorted. */
export function importLines(from: string, names: ReadonlyMap<string, string>): string[] {
  const byFile = new Map<string, string[]>();
  for (const [name, file] of names) {
    if (file === from) continue;
    byFile.set(file, [...(byFile.get(file) ?? []), name]);
  }
  return [...byFile]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([file, list]) =>
        `import type { ${list.sort().join(', ')} } from '${importPath(from, file)}';`,
    );
}

/** The types taken out of members, by the file of the part that holds each. */
export function typeFiles(parts: readonly Part[]): Map<string, string> {
  return new Map(
    parts.flatMap((p) =>
      p.pieces.filter((x) => x.kind === 'type').map((x) => [x.key, p.file] as const),
    ),
  );
}

/** What a part names that another file holds: the types it uses, by the file of each. */
export function usedTypes(part: Part, typeFile: ReadonlyMap<string, string>): Map<string, string> {
  const used = part.pieces.flatMap((p) => p.uses);
  return new Map(used.map((name) => [name, typeFile.get(name) as string]));
}

/** A part's file: its comment, imports, what it declares first (a local type), its body. */
export function partText(
  header: string,
  imports: readonly string[],
  body: string,
  before = '',
): string {
  return [header, imports.join('\n'), before, body].filter(Boolean).join('\n\n') + '\n';
}

/** The parts' interfaces put back together as one, with the imports that takes. */
export function assemblyOf(
  from: string,
  name: string,
  parts: readonly { name: string | undefined; file: string }[],
): { imports: string[]; text: string } {
  const named = parts.filter((p): p is { name: string; file: string } => p.name !== undefined);
  const imports = importLines(from, new Map(named.map((p) => [p.name, p.file])));
  return {
    imports,
    text: assembled(
      name,
      named.map((p) => p.name),
    ),
  };
}

/** The part file's body: its interface and the types taken out of its members. */
export const bodyOf = (part: Part) => partBody(part.name, part.pieces);

/** Checks a written file against the house limit (after Prettier). */
export function withinLimit(file: GeneratedFile, max: number): GeneratedFile {
  const lines = linesOf(file.text.replace(/\n$/, ''));
  if (lines > max) throw new Error(`${file.file} would be ${lines} lines (at most ${max})`);
  return file;
}

/** The text of `node` with `cut` (a part of it) replaced by `name`. */
export function withCut(sf: ts.SourceFile, node: ts.Node, cut: ts.Node, name: string): string {
  return (
    sf.text.slice(node.getStart(sf), cut.getStart(sf)) +
    name +
    sf.text.slice(cut.getEnd(), node.getEnd())
  );
}
