import { describe, expect, it } from 'vitest';
import { liveNotices } from './live-notices.ts';
import { createMemoryBus } from './memory-bus.ts';

const silent = { warn() {}, error() {} };

describe('liveNotices', () => {
  it('sends the ids of a burst as one notice, and a notice without ids when none are named', async () => {
    const bus = createMemoryBus({ deadLetter: async () => {}, logger: silent });
    const notices = liveNotices(bus, 'test.changed');
    const heard: string[][] = [];
    const sub = notices.onNotice((ids) => heard.push(ids));
    notices.notify(['a', 'b']);
    notices.notify(['b', 'c']);
    await new Promise((r) => setTimeout(r, 60));
    expect(heard).toEqual([['a', 'b', 'c']]);
    notices.notify();
    await new Promise((r) => setTimeout(r, 60));
    expect(heard).toEqual([['a', 'b', 'c'], []]);
    await sub.close();
    await bus.close();
  });
});
