import { describeError, type ProblemMessages } from './problems.ts';

/** A failed call, told readably (role=alert, so a screen reader says it at once). */
export function ErrorNote({ error, words }: { error: unknown; words: ProblemMessages }) {
  if (!error) return null;
  return (
    <p role="alert" className="alert" data-testid="error">
      {describeError(error, words)}
    </p>
  );
}

/** A quiet "loading" line that keeps its place, so content arriving does not push things about. */
export function Loading({ text }: { text: string }) {
  return (
    <p className="muted" aria-live="polite">
      {text}
    </p>
  );
}

/** "More" under a paged list: the next page, while there is one. */
export function MoreButton(p: {
  query: { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => unknown };
  label: string;
}) {
  if (!p.query.hasNextPage) return null;
  return (
    <button
      type="button"
      onClick={() => void p.query.fetchNextPage()}
      disabled={p.query.isFetchingNextPage}
    >
      {p.label}
    </button>
  );
}
