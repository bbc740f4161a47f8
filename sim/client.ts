import { Agent, type Dispatcher, request } from 'undici';

export interface ApiAnswer<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | undefined>;
}

/** What the simulator saw of the API: latencies per route, statuses and problem codes. */
export class ApiStats {
  readonly latencies = new Map<string, number[]>();
  readonly statuses = new Map<string, number>();
  readonly codes = new Map<string, number>();
  /** Requests that got no HTTP answer (connection refused or reset, timeout). */
  networkErrors = 0;
  /** [seconds since start, latency ms] of every answered request, for the timeline. */
  readonly timeline: Array<[number, number]> = [];

  record(
    group: string,
    ms: number,
    status: number,
    code: string | undefined,
    sinceStartS: number,
  ): void {
    const list = this.latencies.get(group) ?? [];
    list.push(ms);
    this.latencies.set(group, list);
    const key = String(status);
    this.statuses.set(key, (this.statuses.get(key) ?? 0) + 1);
    if (status >= 400) {
      const c = `${status} ${code ?? 'NO_CODE'}`;
      this.codes.set(c, (this.codes.get(c) ?? 0) + 1);
    }
    this.timeline.push([sinceStartS, ms]);
  }
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** `POST /v1/orders/:id/accept` from a concrete URL: one latency series per route. */
export const routeGroup = (method: string, path: string): string =>
  `${method} ${path.split('?')[0]?.replace(UUID, ':id')}`;

export class NetworkError extends Error {}

/**
 * The simulator's HTTP client: JSON in and out, keep-alive, one or several API processes (a
 * request that finds one down goes to the next), and every answer counted in `stats`.
 */
export class Api {
  private next = 0;
  private readonly agent: Dispatcher;
  constructor(
    private readonly bases: readonly string[],
    readonly stats: ApiStats,
    private readonly startedAt: number,
    private readonly timeoutMs = 30_000,
  ) {
    this.agent = new Agent({ connections: 256, pipelining: 1, keepAliveTimeout: 10_000 });
  }

  async call<T = Record<string, unknown>>(
    method: string,
    path: string,
    opts: {
      token?: string | undefined;
      body?: unknown;
      key?: string;
      raw?: string;
      contentType?: string;
    } = {},
  ): Promise<ApiAnswer<T>> {
    const headers: Record<string, string> = {};
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.key) headers['idempotency-key'] = opts.key;
    let payload: string | undefined;
    if (opts.raw !== undefined) {
      payload = opts.raw;
      headers['content-type'] = opts.contentType ?? 'application/json';
    } else if (opts.body !== undefined) {
      payload = JSON.stringify(opts.body);
      headers['content-type'] = 'application/json';
    }
    let lastErr: unknown;
    // Each API process once: a killed process refuses the connection and the next one answers.
    for (let attempt = 0; attempt < this.bases.length; attempt++) {
      const base = this.bases[this.next++ % this.bases.length] as string;
      const t0 = performance.now();
      try {
        const res = await request(`${base}${path}`, {
          method: method as Dispatcher.HttpMethod,
          headers,
          body: payload,
          dispatcher: this.agent,
          headersTimeout: this.timeoutMs,
          bodyTimeout: this.timeoutMs,
        });
        const text = await res.body.text();
        const ms = performance.now() - t0;
        let body: unknown = null;
        try {
          body = text ? JSON.parse(text) : null;
        } catch {
          body = { raw: text };
        }
        const code =
          res.statusCode >= 400
            ? ((body as { code?: string } | null)?.code ?? undefined)
            : undefined;
        this.stats.record(
          routeGroup(method, path),
          ms,
          res.statusCode,
          code,
          (Date.now() - this.startedAt) / 1000,
        );
        return { status: res.statusCode, body: body as T, headers: res.headers };
      } catch (err) {
        lastErr = err;
        this.stats.networkErrors++;
      }
    }
    throw new NetworkError(`${method} ${path}: ${String((lastErr as Error)?.message ?? lastErr)}`);
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}
