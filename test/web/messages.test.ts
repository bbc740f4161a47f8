import { describe, expect, it } from 'vitest';
import { messages as customer } from '../../web/apps/customer/messages.ts';
import { de as customerDe } from '../../web/apps/customer/messages.de.ts';
import { messages as driver } from '../../web/apps/driver/messages.ts';
import { de as driverDe } from '../../web/apps/driver/messages.de.ts';
import { messages as ops } from '../../web/apps/ops/messages.ts';
import { de as opsDe } from '../../web/apps/ops/messages.de.ts';
import { messages as store } from '../../web/apps/store/messages.ts';
import { de as storeDe } from '../../web/apps/store/messages.de.ts';
import { shared } from '../../web/shared/messages.ts';
import { sharedDe } from '../../web/shared/messages.de.ts';

// The apps' words in every language: the compiler holds each translation to its English keys
// (`de: Messages`); this also checks what it cannot see: the optional keys (problem codes,
// statuses), that no word is empty or left in English, and that every function says something.

const APPS = {
  shared: { en: shared, de: sharedDe },
  customer: { en: customer, de: customerDe },
  driver: { en: driver, de: driverDe },
  store: { en: store, de: storeDe },
  ops: { en: ops, de: opsDe },
};

/** Words that are the same in German (a name, a loanword), by app and path. */
const SAME_IN_GERMAN = new Set([
  'customer:appName',
  'customer:order.status',
  'customer:order.live',
  'customer:checkout.cards.tok_visa',
  'driver:shift.status',
  'driver:driverStatus.offline',
  'store:store.status',
  'ops:orders.status',
  'ops:nav.webhooks',
  'ops:webhooks.title',
]);

type Leaf = { path: string; value: unknown };

/** Every leaf of a messages object (strings, functions, array items), by its dotted path. */
function leaves(v: unknown, path = ''): Leaf[] {
  if (typeof v === 'object' && v !== null)
    return Object.entries(v).flatMap(([k, x]) => leaves(x, path ? `${path}.${k}` : k));
  return [{ path, value: v }];
}

/** What a message says for sample arguments: numbers (1 and 3, for plurals), else text. */
function said(fn: (...args: unknown[]) => unknown): string[] {
  const samples = [
    Array.from({ length: fn.length }, () => 1),
    Array.from({ length: fn.length }, () => 3),
  ];
  try {
    return samples.map((args) => String(fn(...args)));
  } catch {
    return [String(fn(...Array.from({ length: fn.length }, (_, i) => `0190c0de-sample-${i}`)))];
  }
}

describe.each(Object.entries(APPS))('the %s words', (app, { en, de }) => {
  const english = new Map(leaves(en).map((l) => [l.path, l.value]));
  const german = new Map(leaves(de).map((l) => [l.path, l.value]));

  it('have the same keys in German as in English, optional ones too', () => {
    expect([...german.keys()].sort()).toEqual([...english.keys()].sort());
    for (const [path, value] of english) expect(typeof german.get(path), path).toBe(typeof value);
  });

  it('say something in every language, in every message', () => {
    for (const [path, value] of [...english, ...german]) {
      const texts =
        typeof value === 'function' ? said(value as (...a: unknown[]) => unknown) : [value];
      for (const text of texts) {
        expect(typeof text, path).toBe('string');
        expect((text as string).trim(), path).not.toBe('');
        expect(text, path).not.toMatch(/undefined|NaN|\[object|null/);
      }
    }
  });

  it('leave nothing in English', () => {
    const same = [...english].filter(([path, value]) => {
      const other = german.get(path);
      if (typeof value === 'function' && typeof other === 'function')
        return said(value as () => unknown).join() === said(other as () => unknown).join();
      return value === other && !SAME_IN_GERMAN.has(`${app}:${path}`);
    });
    expect(same.map(([path]) => path)).toEqual([]);
    // And the list of words the same in both stays true.
    for (const key of SAME_IN_GERMAN) {
      const [of, path = ''] = key.split(':');
      if (of === app) expect(german.get(path), path).toBe(english.get(path));
    }
  });
});

it('each app formats dates, numbers and money in the language of its words', () => {
  for (const { en, de } of [APPS.customer, APPS.driver, APPS.store, APPS.ops])
    expect([en.locale, de.locale]).toEqual(['en', 'de']);
});
