import { m } from '../../app.ts';

// Numbers of the health screen in the console's language: counts, and milliseconds with the unit
// the language writes (Intl's, so no word of ours).

const counts = new Intl.NumberFormat(m.locale);
const millis = new Intl.NumberFormat(m.locale, {
  style: 'unit',
  unit: 'millisecond',
  unitDisplay: 'short',
  maximumFractionDigits: 1,
});

export const count = (n: number): string => counts.format(n);
export const ms = (n: number): string => millis.format(n);
