export interface LatencyHistogram {
  record(ms: number): void;
  percentile(p: number): number;
  readonly count: number;
  summary(): { p50_ms: number; p90_ms: number; p99_ms: number };
}
export function latencyHistogram(): LatencyHistogram;
