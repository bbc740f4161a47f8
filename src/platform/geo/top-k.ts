/** Ties on distance go by id, so results are deterministic. */
const before = (aA: number, idA: string, aB: number, idB: string): boolean =>
  aA < aB || (aA === aB && idA < idB);

/** The `k` smallest candidates by `a`, in a binary max-heap: the worst kept one is at the root. */
export class TopK<E extends { id: string }> {
  private readonly entries: E[] = [];
  private readonly as: number[] = [];
  constructor(private readonly k: number) {}

  full(): boolean {
    return this.entries.length >= this.k;
  }

  worstA(): number {
    return this.as[0] ?? Infinity;
  }

  offer(entry: E, a: number): void {
    const { entries, as } = this;
    if (entries.length < this.k) {
      entries.push(entry);
      as.push(a);
      this.siftUp(entries.length - 1);
      return;
    }
    const root = entries[0];
    if (!root || !before(a, entry.id, as[0] ?? Infinity, root.id)) return;
    entries[0] = entry;
    as[0] = a;
    this.siftDown(0);
  }

  sorted(): Array<{ entry: E; a: number }> {
    const out = this.entries.map((entry, i) => ({ entry, a: this.as[i] ?? Infinity }));
    return out.sort((x, y) => (before(x.a, x.entry.id, y.a, y.entry.id) ? -1 : 1));
  }

  /** True when slot i should sit above slot j in the max-heap. */
  private above(i: number, j: number): boolean {
    return before(
      this.as[j] ?? Infinity,
      this.entries[j]?.id ?? '',
      this.as[i] ?? Infinity,
      this.entries[i]?.id ?? '',
    );
  }

  private swap(i: number, j: number): void {
    const { entries, as } = this;
    [entries[i], entries[j]] = [entries[j] as E, entries[i] as E];
    [as[i], as[j]] = [as[j] as number, as[i] as number];
  }

  private siftUp(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.above(i, parent)) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private siftDown(i: number): void {
    const n = this.entries.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let top = i;
      if (l < n && this.above(l, top)) top = l;
      if (r < n && this.above(r, top)) top = r;
      if (top === i) return;
      this.swap(i, top);
      i = top;
    }
  }
}
