import { describe, expect, it } from 'vitest';
import { pickLocale } from '../../web/shared/locale.ts';

// Which language an app speaks: the one chosen with the frame's switch, else the browser's.

describe('the page language', () => {
  it('is the first of the browser’s languages the apps speak, else English', () => {
    expect(pickLocale(null, ['de-DE', 'de', 'en-US'])).toBe('de');
    expect(pickLocale(null, ['fr-FR', 'de-AT', 'en'])).toBe('de');
    expect(pickLocale(null, ['en-GB', 'de'])).toBe('en');
    expect(pickLocale(null, ['fr-FR', 'it'])).toBe('en');
    expect(pickLocale(null, [])).toBe('en');
    expect(pickLocale(null, ['DE-ch'])).toBe('de');
  });

  it('is the one chosen with the switch, whatever the browser prefers', () => {
    expect(pickLocale('en', ['de-DE'])).toBe('en');
    expect(pickLocale('de', ['en-US'])).toBe('de');
  });
});
