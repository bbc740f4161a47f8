import type { WebSocket } from '@fastify/websocket';
import { describe, expect, it } from 'vitest';
import { DEAD_BYTES } from '../../platform/realtime/resumable-log.ts';
import { citySender } from './city-live.socket.ts';

// When the live city cuts a slow reader: against what is buffered beyond the snapshot it started
// with, not from zero (a whole city's snapshot alone is more than DEAD_BYTES).

const KB = 1024;
const MB = 1024 * KB;

/** A socket whose sends pile up until the test drains them, as a reader on a slow link. */
function slowSocket() {
  const s = {
    OPEN: 1,
    readyState: 1,
    bufferedAmount: 0,
    frames: 0,
    cut: false,
    send(text: string) {
      s.bufferedAmount += Buffer.byteLength(text);
      s.frames += 1;
    },
    terminate() {
      s.cut = true;
      s.readyState = 3;
    },
    drain(bytes: number) {
      s.bufferedAmount = Math.max(0, s.bufferedAmount - bytes);
    },
  };
  return { s, sender: citySender(s as unknown as WebSocket) };
}

const snapshot = 'x'.repeat(5 * MB);
const frame = 'f'.repeat(50 * KB);

describe("the live city's cut of slow readers", () => {
  it('keeps a reader that drains a snapshot over several ticks, however much stays buffered', () => {
    const { s, sender } = slowSocket();
    sender.first(snapshot);
    // It takes 55 kB a tick while frames bring 50 kB: more than DEAD_BYTES stay buffered throughout.
    for (let tick = 0; tick < 100; tick++) {
      expect(s.bufferedAmount).toBeGreaterThan(DEAD_BYTES);
      s.drain(55 * KB);
      sender.next(frame);
    }
    expect(s.cut).toBe(false);
    expect(s.frames).toBe(101);
    expect(s.bufferedAmount).toBeGreaterThan(DEAD_BYTES);
  });

  it('cuts a reader once DEAD_BYTES piled up beyond the snapshot', () => {
    const { s, sender } = slowSocket();
    sender.first(snapshot);
    let sent = 0;
    while (!s.cut && sent < 1000) {
      sender.next(frame);
      if (!s.cut) sent += 1;
    }
    expect(s.cut).toBe(true);
    // Every frame until more than DEAD_BYTES waited beyond the snapshot, none after.
    expect(sent * frame.length).toBeGreaterThan(DEAD_BYTES);
    expect((sent - 1) * frame.length).toBeLessThanOrEqual(DEAD_BYTES);
    expect(s.frames).toBe(sent + 1);
  });

  it('judges a reader that took its snapshot from what it drained to, not from the snapshot', () => {
    const { s, sender } = slowSocket();
    sender.first(snapshot);
    s.drain(snapshot.length);
    let sent = 0;
    while (!s.cut && sent < 1000) {
      sender.next(frame);
      if (!s.cut) sent += 1;
    }
    expect(s.cut).toBe(true);
    expect((sent - 1) * frame.length).toBeLessThanOrEqual(DEAD_BYTES);
    expect(s.bufferedAmount).toBeLessThan(DEAD_BYTES + 2 * frame.length);
  });

  it('counts a replay, like a snapshot, as where the reader starts', () => {
    const { s, sender } = slowSocket();
    for (let i = 0; i < 100; i++) sender.first(frame);
    expect(s.bufferedAmount).toBeGreaterThan(DEAD_BYTES);
    sender.next(frame);
    expect(s.cut).toBe(false);
    expect(s.frames).toBe(101);
  });
});
