import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { waitFor } from './platform.ts';
import { freePort, signalAndWait } from './processes.ts';

/**
 * A private nats-server with JetStream (the machine's binary) that a test can restart without
 * touching the NATS other tests share. A restart keeps its store directory, as a real restart does.
 */
export interface PrivateNats {
  url: string;
  /** Stops the server (SIGTERM), waits `downMs`, starts it again on the same port and store. */
  restart(downMs?: number): Promise<void>;
  stop(): Promise<void>;
}

const BINARY =
  ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'].find((p) =>
    fs.existsSync(p),
  ) ?? 'nats-server';

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    // destroy, not end: the server keeps a half-closed client around until its next ping.
    const s = net.connect(port, '127.0.0.1', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export async function startPrivateNats(): Promise<PrivateNats> {
  const port = await freePort();
  const store = await fsp.mkdtemp(path.join(os.tmpdir(), 'lastmile-nats-'));
  let child: ChildProcess | null = null;
  const start = async () => {
    child = spawn(BINARY, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', store], {
      stdio: 'ignore',
    });
    await waitFor(() => listening(port), 15_000, 'private nats-server');
  };
  const stop = () => signalAndWait(child, 'SIGTERM');
  await start();
  return {
    url: `nats://127.0.0.1:${port}`,
    async restart(downMs = 1000) {
      await stop();
      await new Promise((r) => setTimeout(r, downMs));
      await start();
    },
    async stop() {
      await stop();
      await fsp.rm(store, { recursive: true, force: true });
    },
  };
}
