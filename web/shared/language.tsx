import { isLocale, LANGUAGE_NAMES, type Locale, LOCALES, pickLocale } from './locale.ts';
import { storedValue } from './session.ts';

/** The language someone chose with the switch: one for every app of this browser. */
const chosen = storedValue<Locale>('lastmile.locale', isLocale);

/**
 * The language the page speaks (the choice, else the browser's), set as the page's `lang` so
 * screen readers, hyphenation and the browser's own controls follow it.
 */
export function pageLocale(): Locale {
  const preferred = navigator.languages.length > 0 ? navigator.languages : [navigator.language];
  const locale = pickLocale(chosen.get(), preferred);
  document.documentElement.lang = locale;
  return locale;
}

/**
 * The frame's language switch. A choice is kept and the page loads again in it: every screen
 * reads its words once, when the app starts.
 */
export function LanguageSwitch(p: { locale: Locale; label: string }) {
  const choose = (next: string) => {
    if (!isLocale(next) || next === p.locale) return;
    chosen.set(next);
    window.location.reload();
  };
  return (
    <div className="language">
      <label htmlFor="language-switch" className="visually-hidden">
        {p.label}
      </label>
      <select id="language-switch" value={p.locale} onChange={(e) => choose(e.target.value)}>
        {LOCALES.map((l) => (
          <option key={l} value={l} lang={l}>
            {LANGUAGE_NAMES[l]}
          </option>
        ))}
      </select>
    </div>
  );
}
