import { describe, expect, it } from 'vitest';
import { waitFor } from '../../test/support/wait.ts';
import {
  type OpsCityMessage,
  openOpsCitySocket,
  type WebSocketClass,
  type WebSocketLike,
} from './index.ts';

// The SDK's live city socket against a server the test plays: which frames it passes on, and
// where it resumes. Against a real server: sockets.test.ts.

/** A WebSocket the test opens, feeds and drops by hand. */
class FakeSocket implements WebSocketLike {
  static made: FakeSocket[] = [];
  readyState = 0;
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: { message?: string }) => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.made.push(this);
  }
  send(): void {}
  close(code = 1000, reason = ''): void {
    this.drop(code, reason);
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
  deliver(message: object): void {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
  drop(code = 1006, reason = ''): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
}

const at = new Date(0).toISOString();
const frame = (epoch: string, seq: number) => ({ type: 'frame', epoch, seq, at });
const snapshot = (epoch: string, seq: number) => ({
  type: 'snapshot',
  epoch,
  seq,
  at,
  positions: [],
  drivers: [],
  orders: [],
  stores: [],
  zones: [],
});

/** An ops city socket on fake sockets, keeping what it passed on. */
function follow(cursor: { after?: number; epoch?: string }) {
  FakeSocket.made = [];
  const seen: OpsCityMessage[] = [];
  const socket = openOpsCitySocket({
    ...cursor,
    baseUrl: 'http://api.test',
    auth: { token: 'jwt', via: 'header' },
    reconnect: { minDelayMs: 1, maxDelayMs: 1 },
    WebSocket: FakeSocket as unknown as WebSocketClass,
  });
  socket.on('message', (m) => seen.push(m));
  /** The `n`th connection (from 1), once made and opened. */
  const connection = async (n: number) => {
    const ws = await waitFor(() => FakeSocket.made[n - 1], 5000, `connection ${n}`);
    ws.open();
    return ws;
  };
  const passed = () =>
    seen.map((m) => (m.type === 'heartbeat' ? 'heartbeat' : `${m.epoch}:${m.seq}`));
  return { socket, connection, passed };
}

describe("the SDK's live city socket", () => {
  it('resumes from the cursor it is given, and drops frames of another epoch or already seen', async () => {
    const { socket, connection, passed } = follow({ after: 7, epoch: 'e1' });
    try {
      const first = await connection(1);
      expect(first.url).toBe('ws://api.test/v1/ops/city/live?after=7&epoch=e1');
      for (const m of [frame('e1', 7), frame('e1', 8), frame('e1', 8), frame('e2', 9)])
        first.deliver(m);
      first.deliver({ type: 'heartbeat', at });
      first.deliver(frame('e1', 6));
      first.deliver(frame('e1', 9));
      expect(passed()).toEqual(['e1:8', 'heartbeat', 'e1:9']);
      expect([socket.epoch, socket.lastSeq]).toEqual(['e1', 9]);

      // After a drop it resumes after the last frame passed on, in its epoch.
      first.drop();
      const second = await connection(2);
      expect(second.url).toBe('ws://api.test/v1/ops/city/live?after=9&epoch=e1');
      // The server no longer holds e1: a snapshot of e2 replaces everything, then e2's frames.
      for (const m of [snapshot('e2', 3), frame('e1', 10), frame('e2', 3), frame('e2', 4)])
        second.deliver(m);
      expect(passed()).toEqual(['e1:8', 'heartbeat', 'e1:9', 'e2:3', 'e2:4']);
      expect([socket.epoch, socket.lastSeq]).toEqual(['e2', 4]);
    } finally {
      socket.close();
    }
  });

  it('starts with a snapshot when given no epoch, whatever `after` says', async () => {
    const { socket, connection, passed } = follow({ after: 5 });
    try {
      const first = await connection(1);
      expect(first.url).toBe('ws://api.test/v1/ops/city/live');
      expect(socket.epoch).toBeNull();
      // Frames before the first snapshot belong to no epoch the client knows.
      first.deliver(frame('e1', 6));
      first.deliver(snapshot('e1', 2));
      first.deliver(frame('e1', 3));
      expect(passed()).toEqual(['e1:2', 'e1:3']);
      first.drop();
      expect((await connection(2)).url).toBe('ws://api.test/v1/ops/city/live?after=3&epoch=e1');
    } finally {
      socket.close();
    }
  });
});
