import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { DEMO_PASSWORD } from '../../src/cli/demo-seed.ts';
import { natsUrl, redisUrl } from './services.ts';

const BIN = path.resolve('bin/lastmile.js');

export interface LastmileProcess {
  child: ChildProcess;
  output: () => string;
  /** kill -9: no shutdown hooks run, exactly like a crash. */
  crash(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts `lastmile start` as a real OS process and waits until it says it is running. */
export async function spawnLastmile(args: string[], env: Record<string, string>, timeoutMs = 60_000): Promise<LastmileProcess> {
  const child = spawn(process.execPath, [BIN, 'start', '--no-seed', ...args], {
    env: { ...process.env, LOG_LEVEL: 'warn', NODE_ENV: 'test', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d) => {
    out += d.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`lastmile ${args.join(' ')} did not start:\n${out}`)), timeoutMs);
    const onData = () => {
      if (out.includes('lastmile is running')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`lastmile ${args.join(' ')} exited with ${code}:\n${out}`));
    });
  });
  return {
    child,
    output: () => out,
    async crash() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export { freePort } from '../../src/platform/free-port.ts';

/** Sends `signal` to a child that is still running and waits until it has exited. */
export async function signalAndWait(child: ChildProcess | null, signal: NodeJS.Signals): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await exited;
}

/** The environment of a spawned lastmile on a test database, with Redis and NATS when configured. */
export function processEnv(databaseUrl: string, extra: Record<string, string>): Record<string, string> {
  const nats = natsUrl();
  const redis = redisUrl();
  // Crash tests drive one caller hard; the gateway's own tests turn rate limits on.
  return { DATABASE_URL: databaseUrl, LASTMILE_RATE_LIMITS: 'off', ...(nats ? { NATS_URL: nats } : {}), ...(redis ? { REDIS_URL: redis } : {}), ...extra };
}

/** JSON calls to a spawned lastmile; `login` signs in a (demo) account and returns its token. */
export function httpClient(base: string) {
  return {
    async call(method: string, path: string, token: string, body?: unknown, key?: string) {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}), ...(key ? { 'idempotency-key': key } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      return { status: res.status, body: (await res.json().catch(() => null)) as Record<string, unknown> | null };
    },
    async login(email: string, password = DEMO_PASSWORD): Promise<string> {
      const res = await fetch(`${base}/v1/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
      if (res.status !== 200) throw new Error(`sign-in of ${email} failed: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { access_token: string }).access_token;
    },
  };
}
