import { useInfiniteQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { m } from './app.ts';

// The console's tables and lists: a list read page by page (with "More"), a wide table that
// scrolls sideways on a narrow screen, and the link to an order's timeline its lists show.

/** A page of a cursor-paged list of the API. */
interface Page<T> {
  items: T[];
  next_cursor?: string | null;
}

/**
 * A cursor-paged list, the next page read when "More" asks (`list` goes to MoreButton); `items`
 * are those of the pages read so far. `refetchInterval` reads them again, always or as the pages
 * read say.
 */
export function usePages<P extends Page<unknown>>(o: {
  key: readonly unknown[];
  page: (cursor: string | undefined) => Promise<P>;
  refetchInterval?: number | ((pages: P[]) => number | false);
}) {
  const every = o.refetchInterval;
  const list = useInfiniteQuery({
    queryKey: o.key,
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => o.page(pageParam),
    getNextPageParam: (page) => page.next_cursor ?? undefined,
    refetchInterval: typeof every === 'function' ? (q) => every(q.state.data?.pages ?? []) : every,
  });
  const items = (list.data?.pages.flatMap((p) => p.items) ?? []) as Array<P['items'][number]>;
  return { list, items };
}

/**
 * A table in a card, its caption (if any) for screen readers, its rows the children. Its columns are named
 * by keys of `words` (their headings), in order; a `hidden` one (a box, a button) is said to screen
 * readers only.
 */
export function DataTable<const K extends string>(p: {
  testId: string;
  caption?: string;
  words: { [k in K]: string };
  columns: readonly K[];
  hidden?: readonly K[];
  children: ReactNode;
}) {
  return (
    <div className="card table-scroll">
      <table data-testid={p.testId}>
        {p.caption && <caption className="visually-hidden">{p.caption}</caption>}
        <thead>
          <tr>
            {p.columns.map((c) => (
              <th key={c} scope="col">
                {p.hidden?.includes(c) ? (
                  <span className="visually-hidden">{p.words[c]}</span>
                ) : (
                  p.words[c]
                )}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{p.children}</tbody>
      </table>
    </div>
  );
}

/** An order by the first digits of its id, linked to its timeline (`label`: what it is called). */
export function OrderLink({ id, label = m.orders.open(id) }: { id: string; label?: string }) {
  return (
    <Link to="/orders/$orderId" params={{ orderId: id }} aria-label={label} className="mono">
      {id.slice(0, 8)}
    </Link>
  );
}
