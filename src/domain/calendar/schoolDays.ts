import { addDays, isoWeekday } from "./days";
import { CalendarRangeError, type Day, type HalfTerm, type HalfTermName, type SchoolCalendar } from "./schoolCalendar";

interface Index {
  first: Day;
  last: Day;
  /** Every school day in the calendar, in order. */
  days: Day[];
  position: Map<Day, number>;
}

// Calendars are immutable once built, so their school days are worked out once.
const indexes = new WeakMap<SchoolCalendar, Index>();

function indexOf(calendar: SchoolCalendar): Index {
  let index = indexes.get(calendar);
  if (index) return index;
  const days: Day[] = [];
  for (const year of calendar.years) {
    for (const ht of year.halfTerms) {
      for (let d = ht.first; d <= ht.last; d = addDays(d, 1)) {
        if (isoWeekday(d) <= 5 && !calendar.bankHolidays.has(d) && !calendar.closures.has(d)) days.push(d);
      }
    }
  }
  days.sort();
  // The known range runs from 1 August before the first known year to 31 August after the last: the summer
  // holidays on either side are known to be holidays.
  const firstStart = Number(calendar.years[0]?.academicYear.slice(0, 4) ?? 9999);
  const lastStart = Number(calendar.years[calendar.years.length - 1]?.academicYear.slice(0, 4) ?? 0);
  index = { first: `${firstStart}-08-01`, last: `${lastStart + 1}-08-31`, days, position: new Map(days.map((d, i) => [d, i])) };
  indexes.set(calendar, index);
  return index;
}

function checkRange(calendar: SchoolCalendar, day: Day): Index {
  const index = indexOf(calendar);
  if (day < index.first || day > index.last) throw new CalendarRangeError(calendar.id, day);
  return index;
}

/**
 * Is the day a school day: a weekday in term, not a bank holiday or closure?
 *
 * @example
 * isSchoolDay(leicestershire, "2026-11-23") // true (a Monday in autumn 2)
 * isSchoolDay(leicestershire, "2026-12-25") // false
 * isSchoolDay(leicestershire, "2030-01-07") // throws CalendarRangeError: no term dates known
 */
export function isSchoolDay(calendar: SchoolCalendar, day: Day): boolean {
  return checkRange(calendar, day).position.has(day);
}

/**
 * The school day n school days after (n > 0) or before (n < 0) a day; from a non-school day, counting starts
 * at the next (or previous) school day. n = 0 gives the day itself if it is a school day, else the next one.
 *
 * @example
 * addSchoolDays(leicestershire, "2026-12-17", 3) // "2027-01-05": Fri 18 Dec, then Mon 4 and Tue 5 Jan
 */
export function addSchoolDays(calendar: SchoolCalendar, day: Day, n: number): Day {
  const index = checkRange(calendar, day);
  const at = index.position.get(day);
  let i: number;
  if (at !== undefined) i = at + n;
  else {
    const next = lowerBound(index.days, day); // first school day after `day`
    i = n >= 0 ? next + Math.max(n - 1, 0) : next + n;
  }
  const result = index.days[i];
  if (result === undefined) throw new CalendarRangeError(calendar.id, i < 0 ? index.first : index.last);
  return result;
}

/**
 * School days from `from` (inclusive) to `to` (exclusive): so `schoolDaysBetween(d, addSchoolDays(d, n)) === n`
 * for a school day d.
 *
 * @example
 * schoolDaysBetween(leicestershire, "2026-11-23", "2026-11-30") // 5
 */
export function schoolDaysBetween(calendar: SchoolCalendar, from: Day, to: Day): number {
  const index = checkRange(calendar, from);
  checkRange(calendar, to);
  return lowerBound(index.days, to) - lowerBound(index.days, from);
}

/** The school days from `from` to `to`, both inclusive. */
export function schoolDaysIn(calendar: SchoolCalendar, from: Day, to: Day): Day[] {
  const index = checkRange(calendar, from);
  checkRange(calendar, to);
  return index.days.slice(lowerBound(index.days, from), lowerBound(index.days, addDays(to, 1)));
}

/**
 * The next school day strictly after a day.
 *
 * @example
 * nextSchoolDay(leicestershire, "2026-11-27") // "2026-11-30" (Friday → Monday)
 */
export function nextSchoolDay(calendar: SchoolCalendar, day: Day): Day {
  return addSchoolDays(calendar, addDays(day, 1), 0);
}

export interface HalfTermOn extends HalfTerm {
  academicYear: string;
}

/**
 * The half term a day falls in (its first and last days included), or undefined in a holiday.
 *
 * @example
 * halfTermOf(leicestershire, "2026-11-23") // { name: "autumn2", first: "2026-10-26", last: "2026-12-18", academicYear: "2026/27" }
 */
export function halfTermOf(calendar: SchoolCalendar, day: Day): HalfTermOn | undefined {
  checkRange(calendar, day);
  for (const year of calendar.years) {
    for (const ht of year.halfTerms) if (day >= ht.first && day <= ht.last) return { ...ht, academicYear: year.academicYear };
  }
  return undefined;
}

/** Every half term of the calendar in order, with its academic year. */
export function halfTerms(calendar: SchoolCalendar): HalfTermOn[] {
  return calendar.years.flatMap((y) => y.halfTerms.map((ht) => ({ ...ht, academicYear: y.academicYear })));
}

export type TermName = "autumn" | "spring" | "summer";

/**
 * The term a day is in (a half term and the holiday after it belong to the same term until the next one).
 *
 * @example
 * termOf(leicestershire, "2026-11-23") // { term: "autumn", academicYear: "2026/27", first: "2026-08-25", last: "2026-12-18" }
 */
export function termOf(calendar: SchoolCalendar, day: Day): { term: TermName; academicYear: string; first: Day; last: Day } | undefined {
  checkRange(calendar, day);
  for (const year of calendar.years) {
    for (const term of ["autumn", "spring", "summer"] as const) {
      const parts = year.halfTerms.filter((h) => h.name.startsWith(term));
      const first = parts[0]?.first;
      const last = parts[parts.length - 1]?.last;
      if (first && last && day >= first && day <= last) return { term, academicYear: year.academicYear, first, last };
    }
  }
  return undefined;
}

/** The academic year (e.g. "2026/27") a day belongs to, holidays included, from 1 September to 31 August. */
export function academicYearOf(day: Day): string {
  const y = Number(day.slice(0, 4));
  const start = day.slice(5) >= "09-01" ? y : y - 1;
  return `${start}/${String((start + 1) % 100).padStart(2, "0")}`;
}

/**
 * The school days in the last `weeks` school weeks up to and including `day`. A school week is a Monday-to-
 * Friday week with at least one school day; holiday weeks are skipped, as "10 school weeks" means.
 *
 * @example
 * schoolWeeksBack(leicestershire, "2026-11-27", 1) // ["2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27"]
 */
export function schoolWeeksBack(calendar: SchoolCalendar, day: Day, weeks: number): Day[] {
  const index = checkRange(calendar, day);
  const end = lowerBound(index.days, addDays(day, 1));
  const out: Day[] = [];
  let weeksSeen = 0;
  let currentWeek: string | undefined;
  for (let i = end - 1; i >= 0; i--) {
    const d = index.days[i] as Day;
    const monday = addDays(d, 1 - isoWeekday(d));
    if (monday !== currentWeek) {
      weeksSeen++;
      currentWeek = monday;
      if (weeksSeen > weeks) break;
    }
    out.push(d);
  }
  return out.reverse();
}

function lowerBound(days: readonly Day[], day: Day): number {
  let lo = 0;
  let hi = days.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((days[mid] as Day) < day) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export type { HalfTermName };
