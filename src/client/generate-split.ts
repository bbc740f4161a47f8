import ts from 'typescript';

// How `npm run sdk:generate` cuts the types openapi-typescript writes as one file into files of at
// most 300 lines: the members of a big interface (paths, operations, schemas), each as Prettier
// wrote it, go to numbered parts in folders named for their group (an OpenAPI tag, an AsyncAPI
// channel); an index puts the interface back together (`interface operations extends …`). A
// member too big for a file gives up its biggest object-typed fields to types of their own
// (`responses: PutOpsSettingsRateLimitsResponses;`), written after it: the types stay the same.

/** What the generator refuses to write: the house limit on a file's lines. */
export const MAX_FILE_LINES = 300;
/** How many lines of members a part takes, leaving room for its comment and imports. */
const PART_LINES = 270;

/** A member of the interface being cut, or a type taken out of one to keep files small. */
export interface Piece {
  /** The member's key (`/v1/orders`, `getHealth`, `Problem`) or the name of the type. */
  key: string;
  /** `member`: a line of the part's interface; `type`: `export type key = …;` beside it. */
  kind: 'member' | 'type';
  /** The text, indented from column 0. */
  text: string;
  /** Types taken out of this piece, which it names. */
  uses: string[];
}

/** A member, or a type literal being written as a type, with the fields cut out of it so far. */
interface Work {
  key: string;
  kind: Piece['kind'];
  node: ts.Node;
  literal: ts.TypeLiteralNode | undefined;
  cuts: { node: ts.Node; name: string }[];
}

export function parse(text: string): ts.SourceFile {
  return ts.createSourceFile('generated.ts', text, ts.ScriptTarget.Latest, true);
}

/** A top-level interface of the generated file, by name. */
export function interfaceOf(sf: ts.SourceFile, name: string): ts.InterfaceDeclaration {
  const found = sf.statements.find(
    (s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === name,
  );
  if (!found) throw new Error(`the generated types have no interface ${name}`);
  return found;
}

/** The type literal of member `key` (`components.schemas`). */
export function memberLiteral(
  container: ts.InterfaceDeclaration | ts.TypeLiteralNode,
  key: string,
): ts.TypeLiteralNode {
  const member = container.members.find((m) => keyOf(m) === key);
  const type = member && ts.isPropertySignature(member) ? member.type : undefined;
  if (!type || !ts.isTypeLiteralNode(type)) throw new Error(`no object type at member ${key}`);
  return type;
}

export function keyOf(member: ts.TypeElement): string {
  const name = member.name;
  if (!name) throw new Error('a generated member without a name');
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name))
    return name.text;
  throw new Error(`an unexpected member name: ${name.getText()}`);
}

export const linesOf = (text: string): number => text.split('\n').length;

/** `store orders`, `/v1/orders/{id}` → `StoreOrders`, `V1OrdersId`. */
export function pascal(text: string): string {
  return text
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

/** Lines moved left by `by` columns (those indented that far). */
function dedent(text: string, by: number): string {
  const pad = ' '.repeat(by);
  return text
    .split('\n')
    .map((l) => (l.startsWith(pad) ? l.slice(by) : l))
    .join('\n');
}

const columnOf = (sf: ts.SourceFile, pos: number) =>
  sf.getLineAndCharacterOfPosition(pos).character;

/** A node's text with the cut fields' types replaced by the names of their own types. */
function textOf(sf: ts.SourceFile, w: Work): string {
  // A member from the start of the line of its doc comment, a type from its brace.
  const first = w.kind === 'member' ? firstLeading(sf, w.node) : w.node.getStart(sf);
  const start = w.kind === 'member' ? first - columnOf(sf, first) : first;
  let text = '';
  let at = start;
  for (const cut of [...w.cuts].sort((a, b) => a.node.getStart(sf) - b.node.getStart(sf))) {
    text += sf.text.slice(at, cut.node.getStart(sf)) + cut.name;
    at = cut.node.getEnd();
  }
  text += sf.text.slice(at, w.node.getEnd());
  if (w.kind === 'member') return dedent(text, columnOf(sf, first));
  const body = dedent(text, columnOf(sf, w.node.getEnd() - 1));
  return `export type ${w.key} = ${body};`;
}

/** Where a member's doc comment (or the member itself) starts. */
function firstLeading(sf: ts.SourceFile, node: ts.Node): number {
  const comments = ts.getLeadingCommentRanges(sf.text, node.getFullStart()) ?? [];
  return comments[0]?.pos ?? node.getStart(sf);
}

/** The object-typed fields of a piece not cut out yet, biggest first. */
function cuttable(sf: ts.SourceFile, w: Work): ts.TypeLiteralNode[] {
  const cut = new Set(w.cuts.map((c) => c.node));
  return (w.literal?.members ?? [])
    .flatMap((m) =>
      ts.isPropertySignature(m) && m.type && ts.isTypeLiteralNode(m.type) ? [m.type] : [],
    )
    .filter((t) => !cut.has(t))
    .sort((a, b) => linesOf(b.getText(sf)) - linesOf(a.getText(sf)));
}

/**
 * The members as pieces, each at most a part's lines: a bigger one gives up its biggest fields
 * (then theirs) to types named after it and the field, placed right after it.
 */
export function piecesOf(sf: ts.SourceFile, members: readonly ts.TypeElement[]): Piece[] {
  const work: Work[] = members.map((node) => {
    const type = ts.isPropertySignature(node) ? node.type : undefined;
    const literal = type && ts.isTypeLiteralNode(type) ? type : undefined;
    return { key: keyOf(node), kind: 'member', node, literal, cuts: [] };
  });
  for (let i = 0; i < work.length; i++) {
    const w = work[i] as Work;
    let added = 0;
    while (linesOf(textOf(sf, w)) > PART_LINES) {
      const [field] = cuttable(sf, w);
      if (!field) throw new Error(`${w.key} is too big for a file and cannot be cut`);
      const name = pascal(`${w.key} ${keyOf(field.parent as ts.TypeElement)}`);
      if (work.some((x) => x.key === name)) throw new Error(`two generated types named ${name}`);
      w.cuts.push({ node: field, name });
      work.splice(i + 1 + added++, 0, {
        key: name,
        kind: 'type',
        node: field,
        literal: field,
        cuts: [],
      });
    }
  }
  return work.map((w) => ({
    key: w.key,
    kind: w.kind,
    text: textOf(sf, w),
    uses: w.cuts.map((c) => c.name),
  }));
}

/** Pieces in files of at most a part's lines each, in order. */
export function pack(pieces: readonly Piece[]): Piece[][] {
  const parts: Piece[][] = [];
  let lines = Infinity;
  for (const piece of pieces) {
    const size = linesOf(piece.text) + 1;
    if (lines + size > PART_LINES) {
      parts.push([]);
      lines = 0;
    }
    (parts.at(-1) as Piece[]).push(piece);
    lines += size;
  }
  return parts;
}

/** Items in an order where each comes after those it refers to (by key, through `refs`). */
export function dependenciesFirst<T extends { key: string }>(
  items: readonly T[],
  refs: (item: T) => readonly string[],
): T[] {
  const byKey = new Map(items.map((p) => [p.key, p]));
  const done = new Set<string>();
  const out: T[] = [];
  const visit = (p: T) => {
    if (done.has(p.key)) return;
    done.add(p.key);
    for (const key of refs(p)) {
      const dep = byKey.get(key);
      if (dep) visit(dep);
    }
    out.push(p);
  };
  items.forEach(visit);
  return out;
}

/** The members and types of one part: `export interface name { … }`, then the types. */
export function partBody(name: string | undefined, pieces: readonly Piece[]): string {
  const members = pieces.filter((p) => p.kind === 'member');
  const types = pieces.filter((p) => p.kind === 'type').map((p) => p.text);
  const indent = (t: string) => t.replace(/^(?=.)/gm, '  ');
  const decl = name
    ? [`export interface ${name} {\n${members.map((m) => indent(m.text)).join('\n')}\n}`]
    : [];
  return [...decl, ...types].join('\n\n');
}

/** `interface name extends A, B {}`, or `type name = A` for one part (an empty interface is refused). */
export function assembled(name: string, parts: readonly string[]): string {
  if (parts.length === 1) return `export type ${name} = ${parts[0]};`;
  return `export interface ${name} extends ${parts.join(', ')} {}`;
}

/** `./x.ts` or `../x/y.ts`: the import path of `to` from `from` (both relative to one root). */
export function importPath(from: string, to: string): string {
  const fromDir = from.split('/').slice(0, -1);
  const toParts = to.split('/');
  let common = 0;
  while (common < fromDir.length && fromDir[common] === toParts[common]) common++;
  const up = fromDir.length - common;
  const rest = toParts.slice(common).join('/');
  return up === 0 ? `./${rest}` : `${'../'.repeat(up)}${rest}`;
}
