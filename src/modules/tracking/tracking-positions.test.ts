import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EventBus, LiveHandler } from '../../platform/bus/port.ts';
import { positionTopic } from '../drivers/index.ts';
import { driverPositions } from './tracking-socket.ts';

// What a subscriber of an order sees of its driver's positions: at most one a second, and the
// newest of those that came sooner, when the second is up.

function fakeBus() {
  const handlers = new Map<string, LiveHandler>();
  const bus = {
    listen(topic: string, handler: LiveHandler) {
      handlers.set(topic, handler);
      return { close: async () => void handlers.delete(topic) };
    },
  } as unknown as EventBus;
  const announce = (driverId: string, lat: number) =>
    handlers.get(positionTopic(driverId))?.({ lat, lng: 13.4, at: Date.now() });
  return { bus, announce, listening: () => [...handlers.keys()] };
}

describe('driver positions on the tracking socket', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date('2026-12-06T12:00:00Z') });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('follows a phone reporting about every second, jitter included, without losing fixes', () => {
    const { bus, announce } = fakeBus();
    const sent: number[] = [];
    const follower = driverPositions(bus, (m) => {
      if (m.type === 'position') sent.push(m.lat);
    });
    follower.follow('d1');
    // Gaps of 950–1,050 ms: a fix that comes a little early is held, not dropped.
    const gaps = [0, 950, 1050, 960, 990, 1000, 955];
    gaps.forEach((gap, i) => {
      vi.advanceTimersByTime(gap);
      announce('d1', 52 + i / 1000);
    });
    vi.advanceTimersByTime(1000);
    expect(sent).toEqual(gaps.map((_, i) => 52 + i / 1000));
    follower.close();
  });

  it('sends at most one a second, the newest of a burst', () => {
    const { bus, announce } = fakeBus();
    const sent: Array<{ lat: number; at: number }> = [];
    const follower = driverPositions(bus, (m) => {
      if (m.type === 'position') sent.push({ lat: m.lat, at: Date.now() });
    });
    follower.follow('d1');
    for (let i = 0; i < 10; i++) {
      announce('d1', i);
      vi.advanceTimersByTime(100);
    }
    vi.advanceTimersByTime(2000);
    expect(sent.map((s) => s.lat)).toEqual([0, 9]);
    expect((sent[1]?.at ?? 0) - (sent[0]?.at ?? 0)).toBe(1000);
    follower.close();
  });

  it('drops a held position when the order changes driver or the socket closes', () => {
    const { bus, announce, listening } = fakeBus();
    const sent: number[] = [];
    const follower = driverPositions(bus, (m) => {
      if (m.type === 'position') sent.push(m.lat);
    });
    follower.follow('d1');
    announce('d1', 1);
    announce('d1', 2); // held
    follower.follow('d2');
    expect(listening()).toEqual([positionTopic('d2')]);
    announce('d2', 3); // d2's first: sent once the second since the last send is up
    vi.advanceTimersByTime(1000);
    announce('d2', 4); // held
    follower.close();
    vi.advanceTimersByTime(2000);
    expect(sent).toEqual([1, 3]);
    expect(listening()).toEqual([]);
  });
});
