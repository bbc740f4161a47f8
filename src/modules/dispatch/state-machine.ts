/** A status machine as a table: each status and the statuses it may move to (none when final). */
export type Transitions<S extends string> = Readonly<Record<S, readonly S[]>>;

/** The statuses that may move to `to`. */
export function sourcesOf<S extends string>(table: Transitions<S>, to: S): S[] {
  return (Object.keys(table) as S[]).filter((from) => table[from].includes(to));
}

/** The table as API documentation: "a → b | c; b → c; final: c" (one writer for every module). */
export { transitionsDoc as transitionsText } from '../../platform/http/transitions-doc.ts';
