// The one place benchmark latencies become percentiles: an HdrHistogram (hdr-histogram-js) of
// microseconds, 3 significant digits, from 1 µs to 10 minutes. Plain JS so the load-generator
// workers (plain node, no tsx) share it with the TypeScript benchmarks (types: histogram.d.mts).
import * as hdr from 'hdr-histogram-js';

const MAX_US = 600_000_000;

/** An empty latency histogram: record milliseconds, read percentiles in milliseconds. */
export function latencyHistogram() {
  const h = hdr.build({
    bitBucketSize: 64,
    autoResize: true,
    lowestDiscernibleValue: 1,
    highestTrackableValue: MAX_US,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });
  return {
    record(ms) {
      h.recordValue(Math.min(MAX_US, Math.max(1, Math.round(ms * 1000))));
    },
    /** The value at percentile `p` (0–100) in ms; 0 when nothing was recorded. */
    percentile(p) {
      return h.totalCount === 0 ? 0 : h.getValueAtPercentile(p) / 1000;
    },
    get count() {
      return h.totalCount;
    },
    /** p50, p90 and p99 in ms, the keys every worker prints. */
    summary() {
      return {
        p50_ms: this.percentile(50),
        p90_ms: this.percentile(90),
        p99_ms: this.percentile(99),
      };
    },
  };
}
