// The languages the apps speak. A language is added here and as a `messages.<code>.ts` beside
// every app's (and the shared) `messages.ts`; the compiler then names every app still missing it.

export const LOCALES = ['en', 'de'] as const;
export type Locale = (typeof LOCALES)[number];

/** An app's words in every language it speaks, by locale. */
export type Translations<M> = Record<Locale, M>;

/** Each language by its own name, so someone who does not read the current one still finds theirs. */
export const LANGUAGE_NAMES: Record<Locale, string> = { en: 'English', de: 'Deutsch' };

export const isLocale = (v: unknown): v is Locale => LOCALES.some((l) => l === v);

/**
 * The language to show: the one the person chose, else the first of the browser's preferred
 * languages (`navigator.languages`, `de-AT` counting as `de`) that the apps speak, else English.
 */
export function pickLocale(chosen: Locale | null, preferred: readonly string[]): Locale {
  if (chosen) return chosen;
  for (const tag of preferred) {
    const language = tag.split('-')[0]?.toLowerCase();
    if (isLocale(language)) return language;
  }
  return 'en';
}
