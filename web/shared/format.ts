/** Minor units of `currency` as a person reads them (`€12.34`). */
export function money(minor: number, currency: string | null | undefined, locale: string): string {
  const code = currency ?? 'EUR';
  const digits =
    new Intl.NumberFormat(locale, { style: 'currency', currency: code }).resolvedOptions()
      .maximumFractionDigits ?? 2;
  return new Intl.NumberFormat(locale, { style: 'currency', currency: code }).format(
    minor / 10 ** digits,
  );
}

/** A time of day (`18:40`). */
export function clock(iso: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' }).format(
    new Date(iso),
  );
}

/** A date and time (`6 Dec, 18:40`). */
export function dateTime(iso: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(
    new Date(iso),
  );
}

/** Metres, or kilometres from 1 km on. */
export function distance(m: number, locale: string): string {
  const km = m >= 1000;
  return new Intl.NumberFormat(locale, {
    style: 'unit',
    unit: km ? 'kilometer' : 'meter',
    maximumFractionDigits: km ? 1 : 0,
  }).format(km ? m / 1000 : m);
}

/** Grams, or kilograms from 1 kg on (`450 g`, `1.03 kg`). */
export function weight(g: number, locale: string): string {
  const kg = g >= 1000;
  return new Intl.NumberFormat(locale, {
    style: 'unit',
    unit: kg ? 'kilogram' : 'gram',
    maximumFractionDigits: kg ? 2 : 0,
  }).format(kg ? g / 1000 : g);
}

/** A date and a time to the second (`6 Dec 2026, 18:40:12`), for logs where order matters. */
export function dateTimeSeconds(iso: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium' }).format(
    new Date(iso),
  );
}
