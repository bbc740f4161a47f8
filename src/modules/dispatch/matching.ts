/**
 * Minimum-cost assignment of trips to drivers (the Hungarian method, O(n²·m) for n ≤ m): each
 * trip gets at most one driver and each driver at most one trip, as many pairs as can be made,
 * and of those the pairing whose costs add up to the least. A cost of `Infinity` means the pair
 * is impossible (the driver is out of the trip's radius, or cannot carry it).
 *
 * Offering one trip at a time gives each its best driver in turn, so an early trip may take the
 * only driver a later one could have had while it had another almost as good; matching the trips
 * that fall due together avoids that.
 */

/** Stands in for an impossible pair: larger than any sum of real costs. */
const IMPOSSIBLE = 1e12;

/** For each row, the column assigned to it, or null. `cost[row][col]`; rows may outnumber columns. */
export function assign(cost: readonly (readonly number[])[]): Array<number | null> {
  const rows = cost.length;
  const cols = rows === 0 ? 0 : (cost[0]?.length ?? 0);
  if (rows === 0 || cols === 0) return Array.from({ length: rows }, () => null);
  const finite = (x: number) => (Number.isFinite(x) ? x : IMPOSSIBLE);
  // The method wants no more rows than columns: transpose when trips outnumber drivers.
  const transposed = rows > cols;
  const n = transposed ? cols : rows;
  const m = transposed ? rows : cols;
  const at = (i: number, j: number) =>
    finite(transposed ? (cost[j]?.[i] ?? Infinity) : (cost[i]?.[j] ?? Infinity));
  const match = hungarian(n, m, at);
  const out: Array<number | null> = Array.from({ length: rows }, () => null);
  for (let i = 0; i < n; i++) {
    const j = match[i] as number;
    const [row, col] = transposed ? [j, i] : [i, j];
    if (at(i, j) < IMPOSSIBLE) out[row] = col;
  }
  return out;
}

/**
 * The classic potentials formulation over 1-based arrays: `u`/`v` are the row and column
 * potentials, `p[j]` the row matched to column j, `way[j]` the previous column on the augmenting
 * path. Returns the column of each row (0-based).
 */
function hungarian(n: number, m: number, a: (i: number, j: number) => number): number[] {
  const u = new Float64Array(n + 1);
  const v = new Float64Array(m + 1);
  const p = new Int32Array(m + 1);
  const way = new Int32Array(m + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    const minv = new Float64Array(m + 1).fill(Infinity);
    const used = new Uint8Array(m + 1);
    do {
      used[j0] = 1;
      const i0 = p[j0] as number;
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue;
        const cur = a(i0 - 1, j - 1) - (u[i0] as number) - (v[j] as number);
        if (cur < (minv[j] as number)) {
          minv[j] = cur;
          way[j] = j0;
        }
        if ((minv[j] as number) < delta) {
          delta = minv[j] as number;
          j1 = j;
        }
      }
      for (let j = 0; j <= m; j++) {
        if (used[j]) {
          u[p[j] as number] = (u[p[j] as number] as number) + delta;
          v[j] = (v[j] as number) - delta;
        } else minv[j] = (minv[j] as number) - delta;
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0] as number;
      p[j0] = p[j1] as number;
      j0 = j1;
    } while (j0 !== 0);
  }
  const rowToCol = new Array<number>(n).fill(0);
  for (let j = 1; j <= m; j++) if ((p[j] as number) > 0) rowToCol[(p[j] as number) - 1] = j - 1;
  return rowToCol;
}
