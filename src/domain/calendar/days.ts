import type { Day } from "./schoolCalendar";

/** Day arithmetic on `yyyy-MM-dd` strings through UTC midnight, where every day is 24 hours long. */
export function addDays(day: Day, n: number): Day {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** 1 = Monday … 7 = Sunday. */
export function isoWeekday(day: Day): number {
  const w = new Date(`${day}T00:00:00Z`).getUTCDay();
  return w === 0 ? 7 : w;
}

/** The Monday of the week the day is in. */
export function mondayOf(day: Day): Day {
  return addDays(day, 1 - isoWeekday(day));
}
