import { createMemo } from '../../platform/cache/memo.ts';

/**
 * Weekly opening hours in the store's own time zone: `{ "mon": [["08:00", "23:00"]], … }`. A day
 * missing or empty is closed; "24:00" closes at midnight; an interval past midnight is written as
 * two ("fri": [["18:00","24:00"]], "sat": [["00:00","02:00"]]).
 */
export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export type OpeningHours = Partial<Record<Weekday, Array<[string, string]>>>;

const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/;

const minutes = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

/** Returns a list of problems; empty when the hours are valid. */
export function validateOpeningHours(hours: unknown): string[] {
  const problems: string[] = [];
  if (typeof hours !== 'object' || hours === null || Array.isArray(hours))
    return ['opening_hours must be an object keyed by weekday'];
  for (const [day, intervals] of Object.entries(hours)) {
    if (!(WEEKDAYS as readonly string[]).includes(day)) {
      problems.push(`opening_hours.${day}: unknown day (use ${WEEKDAYS.join(', ')})`);
      continue;
    }
    if (!Array.isArray(intervals)) {
      problems.push(`opening_hours.${day}: must be a list of ["HH:MM","HH:MM"]`);
      continue;
    }
    intervals.forEach((iv, i) => {
      if (
        !Array.isArray(iv) ||
        iv.length !== 2 ||
        !iv.every((t) => typeof t === 'string' && TIME_RE.test(t))
      ) {
        problems.push(`opening_hours.${day}[${i}]: must be ["HH:MM","HH:MM"]`);
      } else if (minutes(iv[0]) >= minutes(iv[1])) {
        problems.push(`opening_hours.${day}[${i}]: opens at or after it closes`);
      }
    });
  }
  return problems;
}

// One formatter per zone (building one is costly); a zone that does not exist throws and is not kept.
const formatters = createMemo<Intl.DateTimeFormat>(1000);
function formatter(timeZone: string): Intl.DateTimeFormat {
  return formatters.get(
    timeZone,
    () =>
      new Intl.DateTimeFormat('en-US', {
        timeZone,
        weekday: 'short',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      }),
  );
}

export function isValidTimeZone(tz: string): boolean {
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

// Local weekday and minute per time zone, computed once per zone per minute: formatting a date
// in a zone is the costly part, and a nearby query checks dozens of stores in the same zone.
const localNow = createMemo<{ day: Weekday; at: number }>(1000);

function localTime(timeZone: string, at: number): { day: Weekday; at: number } {
  const minute = Math.floor(at / 60_000);
  return localNow.get(`${timeZone}@${minute}`, () => {
    const parts = formatter(timeZone).formatToParts(at);
    const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
    return {
      day: get('weekday').toLowerCase().slice(0, 3) as Weekday,
      at: Number(get('hour')) * 60 + Number(get('minute')),
    };
  });
}

/** Whether the store is open at `at` (epoch ms) by its hours in its time zone. */
export function isOpenAt(hours: OpeningHours, timeZone: string, at: number): boolean {
  const local = localTime(timeZone, at);
  return (hours[local.day] ?? []).some(
    ([open, close]) => local.at >= minutes(open) && local.at < minutes(close),
  );
}
