/**
 * The allowed moves of a state machine as one line for a status field's description, written from
 * the code's own transition table so the document cannot drift from it:
 * `placed → authorized | canceled; …; final: delivered, canceled` (`stateMachineText` in
 * contract.ts writes the same table as a block, for a tag's description).
 */
export function transitionsDoc<S extends string>(next: Readonly<Record<S, readonly S[]>>): string {
  const statuses = Object.keys(next) as S[];
  const moves = statuses
    .filter((s) => next[s].length > 0)
    .map((s) => `${s} → ${next[s].join(' | ')}`);
  const final = statuses.filter((s) => next[s].length === 0);
  return [...moves, ...(final.length > 0 ? [`final: ${final.join(', ')}`] : [])].join('; ');
}
