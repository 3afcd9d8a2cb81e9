import { TZDate } from "@date-fns/tz";
import type { Day } from "./schoolCalendar";

export const LONDON = "Europe/London";

/**
 * The calendar day in the UK at an instant (what "today" means to a school).
 *
 * @example
 * londonDay(new Date("2026-06-30T23:30:00Z")) // "2026-07-01" (00:30 BST)
 * londonDay(new Date("2026-12-31T23:30:00Z")) // "2026-12-31" (GMT)
 */
export function londonDay(instant: Date): Day {
  const t = new TZDate(instant.getTime(), LONDON);
  return `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())}`;
}

/** UK wall-clock time `HH:mm` at an instant. */
export function londonClock(instant: Date): string {
  const t = new TZDate(instant.getTime(), LONDON);
  return `${pad(t.getHours())}:${pad(t.getMinutes())}`;
}

/**
 * The instant of a UK wall-clock time on a day, correct on either side of a BST change. On the spring-forward
 * day a time between 01:00 and 02:00 does not exist: it is read as the same distance past 01:00 GMT (so 01:30
 * becomes 02:30 BST). On the fall-back day 01:00–02:00 happens twice: the second (GMT) is meant, as @date-fns/tz resolves it. Meetings and
 * alerts are never set in that hour, so this only has to be defined, not clever.
 *
 * @example
 * londonTime("2026-03-30", "16:30").toISOString() // "2026-03-30T15:30:00.000Z" (BST)
 * londonTime("2026-10-26", "16:30").toISOString() // "2026-10-26T16:30:00.000Z" (GMT)
 */
export function londonTime(day: Day, hhmm: string): Date {
  const m = /^(\d{2}):(\d{2})$/.exec(hhmm);
  const [y, mo, d] = day.split("-").map(Number) as [number, number, number];
  if (!m) throw new RangeError(`"${hhmm}" is not a time as HH:mm`);
  return new Date(new TZDate(y, mo - 1, d, Number(m[1]), Number(m[2]), LONDON).getTime());
}

/**
 * Whether a job due at a UK local time on a given day is due at `now`: timers run in UTC (Flex Consumption has
 * no time zone setting), so each run asks this in code.
 *
 * @example
 * isDue(new Date("2026-11-23T16:35:00Z"), "2026-11-23", "16:30") // true
 * isDue(new Date("2026-06-23T15:25:00Z"), "2026-06-23", "16:30") // false: 16:25 BST
 */
export function isDue(now: Date, day: Day, hhmm: string): boolean {
  return now.getTime() >= londonTime(day, hhmm).getTime();
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}
