import { afterEach, describe, expect, it, vi } from 'vitest';
import { liveNotices } from './live-notices.ts';
import { createMemoryBus } from './memory-bus.ts';

const silent = { warn() {}, error() {} };

// Fake timers drive the 20 ms coalescing window and the bus's delivery tick: no waiting.
describe('liveNotices', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends the ids of a burst as one notice, and a notice without ids when none are named', async () => {
    vi.useFakeTimers();
    const bus = createMemoryBus({ deadLetter: async () => {}, logger: silent });
    const notices = liveNotices(bus, 'test.changed');
    const heard: string[][] = [];
    const sub = notices.onNotice((ids) => heard.push(ids));
    notices.notify(['a', 'b']);
    await vi.advanceTimersByTimeAsync(10);
    notices.notify(['b', 'c']);
    // 19 ms after the first: still one window, nothing sent.
    await vi.advanceTimersByTimeAsync(9);
    expect(heard).toEqual([]);
    // The window closes at 20 ms; the bus delivers on its next tick.
    await vi.advanceTimersByTimeAsync(2);
    expect(heard).toEqual([['a', 'b', 'c']]);
    notices.notify();
    await vi.advanceTimersByTimeAsync(21);
    expect(heard).toEqual([['a', 'b', 'c'], []]);
    await sub.close();
    await bus.close();
  });
});
