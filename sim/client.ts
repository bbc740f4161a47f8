import type { Client } from 'openapi-fetch';
import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import { Agent, type Dispatcher, request } from 'undici';
import { createLastmileClient } from '../src/client/index.ts';
import type { SimPaths } from './api-types.ts';

/** What the simulator saw of the API: latencies per route, statuses and problem codes. */
export class ApiStats {
  readonly latencies = new Map<string, number[]>();
  readonly statuses = new Map<string, number>();
  readonly codes = new Map<string, number>();
  /** Requests that got no HTTP answer (connection refused or reset, timeout). */
  networkErrors = 0;
  /** Socket messages the apps heard, by channel and type (`driver offer`, `store order`). */
  readonly pushes = new Map<string, number>();
  /** [seconds since start, latency ms] of every answered request, for the timeline. */
  readonly timeline: Array<[number, number]> = [];
  /**
   * The simulator's own event-loop delay while the evening runs (the world enables it then): a
   * latency is measured in this process, so a busy simulator adds its delay to what it reports.
   */
  readonly loopDelay: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });

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

/**
 * A request header only the simulator's transport reads (and never sends): a note that times the
 * request apart from its route, as `POST /v1/orders (slow card)`.
 */
export const SIM_NOTE = 'x-sim-note';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** `POST /v1/orders/:id/accept` from a concrete URL: one latency series per route. */
export const routeGroup = (method: string, path: string): string =>
  `${method} ${path.split('?')[0]?.replace(UUID, ':id')}`;

export class NetworkError extends Error {}

/** The typed API client the simulated people use (one per person, sharing one transport). */
export type SimClient = Client<SimPaths>;

/** Statuses whose answer has no body, so a Response cannot be built with one. */
const BODYLESS = new Set([204, 205, 304]);

function headersOf(raw: Record<string, string | string[] | undefined>): Headers {
  const out = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined || name === 'set-cookie') continue;
    for (const v of Array.isArray(value) ? value : [value]) out.append(name, v);
  }
  return out;
}

/**
 * The simulator's transport under the typed client: keep-alive, one or several API processes (a
 * request that finds one down goes to the next), and every answer counted in `stats`.
 */
export class Api {
  private next = 0;
  private readonly agent: Dispatcher;
  private readonly clients = new Map<string, SimClient>();
  constructor(
    private readonly bases: readonly string[],
    readonly stats: ApiStats,
    private readonly startedAt: number,
    private readonly timeoutMs = 30_000,
  ) {
    this.agent = new Agent({ connections: 256, pipelining: 1, keepAliveTimeout: 10_000 });
  }

  /**
   * The client acting as the holder of `token` (none: signed out), made once per token. It sends
   * an Idempotency-Key only where the simulation gives one, as a person's app would.
   */
  as(token?: string): SimClient {
    const id = token ?? '';
    let client = this.clients.get(id);
    if (!client) {
      const sdk = createLastmileClient({
        baseUrl: this.bases[0] ?? 'http://127.0.0.1',
        token,
        idempotencyKey: false,
        fetch: (req) => this.send(req),
      });
      // The answers the document does not declare yet are typed by what the simulator reads.
      client = sdk as unknown as SimClient;
      this.clients.set(id, client);
    }
    return client;
  }

  /** The API process the `i`th agent keeps its socket to (a dropped socket reconnects there). */
  socketBase(i: number): string {
    return this.bases[i % this.bases.length] ?? 'http://127.0.0.1';
  }

  /** Sends one request to each API process in turn until one answers; counts what happened. */
  private async send(req: Request): Promise<Response> {
    const url = new URL(req.url);
    const path = `${url.pathname}${url.search}`;
    const headers: Record<string, string> = Object.fromEntries(req.headers);
    const aside = headers[SIM_NOTE];
    delete headers[SIM_NOTE];
    const group = routeGroup(req.method, path) + (aside ? ` (${aside})` : '');
    const payload = req.body ? await req.text() : undefined;
    let lastErr: unknown;
    // Each API process once: a killed process refuses the connection and the next one answers.
    for (let attempt = 0; attempt < this.bases.length; attempt++) {
      const base = this.bases[this.next++ % this.bases.length] as string;
      const t0 = performance.now();
      try {
        const res = await request(`${base}${path}`, {
          method: req.method as Dispatcher.HttpMethod,
          headers,
          body: payload,
          dispatcher: this.agent,
          headersTimeout: this.timeoutMs,
          bodyTimeout: this.timeoutMs,
        });
        const text = await res.body.text();
        const ms = performance.now() - t0;
        this.stats.record(
          group,
          ms,
          res.statusCode,
          res.statusCode >= 400 ? problemCode(text) : undefined,
          (Date.now() - this.startedAt) / 1000,
        );
        return new Response(BODYLESS.has(res.statusCode) ? null : text, {
          status: res.statusCode,
          headers: headersOf(res.headers),
        });
      } catch (err) {
        lastErr = err;
        this.stats.networkErrors++;
      }
    }
    throw new NetworkError(
      `${req.method} ${path}: ${String((lastErr as Error)?.message ?? lastErr)}`,
    );
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

function problemCode(text: string): string | undefined {
  try {
    return (JSON.parse(text) as { code?: string } | null)?.code ?? undefined;
  } catch {
    return undefined;
  }
}
