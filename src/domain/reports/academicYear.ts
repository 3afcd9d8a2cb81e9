import { addDays } from "../calendar/days";
import { londonDay } from "../calendar/londonTime";
import type { Day, SchoolCalendar } from "../calendar/schoolCalendar";

export interface AcademicYearSpan {
  academicYear: string;
  first: Day;
  last: Day;
}

/**
 * The days an academic year's figures cover: from 1 September, or its first term day if the term starts in late
 * August (Leicestershire's 2025/26 starts on 26 August), to 31 August, or the day before the next year's first
 * term day when that comes earlier. Throws when the name is not like "2025/26".
 *
 * @example
 * academicYearSpan(leicestershire, "2025/26") // { academicYear: "2025/26", first: "2025-08-26", last: "2026-08-24" }
 */
export function academicYearSpan(calendar: SchoolCalendar, academicYear: string): AcademicYearSpan {
  const m = /^(\d{4})\/(\d{2})$/.exec(academicYear);
  if (!m || (Number(m[1]) + 1) % 100 !== Number(m[2])) throw new RangeError(`"${academicYear}" is not an academic year such as 2025/26`);
  const start = Number(m[1]);
  const next = `${start + 1}/${String((start + 2) % 100).padStart(2, "0")}`;
  const firstDayOf = (name: string) => calendar.years.find((y) => y.academicYear === name)?.halfTerms[0]?.first;
  const thisFirst = firstDayOf(academicYear);
  const nextFirst = firstDayOf(next);
  const first = thisFirst && thisFirst < `${start}-09-01` ? thisFirst : `${start}-09-01`;
  const last = nextFirst && nextFirst <= `${start + 1}-08-31` ? addDays(nextFirst, -1) : `${start + 1}-08-31`;
  return { academicYear, first, last };
}

/**
 * The academic year a case's referral day falls in, then the pupil's year group in another academic year: a
 * Year 10 referred in 2024/25 is in Year 11 in 2025/26.
 *
 * @example
 * yearGroupIn({ YearGroup: 10, ReceivedAt: "2025-03-02T09:00:00Z" }, "2025/26") // 11
 */
export function yearGroupIn(c: { YearGroup?: number | undefined; ReceivedAt: string }, academicYear: string): number | undefined {
  if (c.YearGroup === undefined) return undefined;
  const received = londonDay(new Date(c.ReceivedAt));
  const y = Number(received.slice(0, 4));
  const referralYearStart = received.slice(5) >= "09-01" ? y : y - 1;
  return c.YearGroup + (Number(academicYear.slice(0, 4)) - referralYearStart);
}
