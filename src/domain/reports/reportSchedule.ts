import { addDays, mondayOf } from "../calendar/days";
import { isDue, londonDay } from "../calendar/londonTime";
import type { Day, SchoolCalendar } from "../calendar/schoolCalendar";
import type { StatementTerm } from "./termlyStatement";

/*
 * When each report is due, decided in UK time: the report timers run in UTC (Flex Consumption has no time zone
 * setting) and ask these at every run. Each report is sent once (the effect ledger), so "due" is a window that
 * stays open until the next one: a run missed (the app down, Graph failing) is made up by the next run.
 */

/**
 * The Monday whose Director's week is due at `now`: from that Monday at `time` (UK) to the end of the week, so a
 * Monday the app could not send it is made up later that week; never last week's.
 *
 * @example
 * directorsWeekDue(new Date("2026-11-30T08:05:00Z"), "08:00") // "2026-11-30"
 * directorsWeekDue(new Date("2026-06-01T07:05:00Z"), "08:00") // "2026-06-01" (08:05 BST)
 * directorsWeekDue(new Date("2026-06-01T06:55:00Z"), "08:00") // undefined (07:55 BST)
 * directorsWeekDue(new Date("2026-12-02T14:00:00Z"), "08:00") // "2026-11-30"
 */
export function directorsWeekDue(now: Date, time: string): Day | undefined {
  const monday = mondayOf(londonDay(now));
  return isDue(now, monday, time) ? monday : undefined;
}

/**
 * Every term of the calendar (autumn, spring, summer of each academic year), from its first half term's first day
 * to its last half term's last day, oldest first.
 *
 * @example
 * schoolTerms(leicestershire)[0] // { academicYear: "2025/26", term: "autumn", first: "2025-08-26", last: "2025-12-19" }
 */
export function schoolTerms(calendar: SchoolCalendar): StatementTerm[] {
  return calendar.years.flatMap((year) =>
    (["autumn", "spring", "summer"] as const).flatMap((term) => {
      const parts = year.halfTerms.filter((h) => h.name.startsWith(term));
      const first = parts[0]?.first;
      const last = parts.at(-1)?.last;
      return first && last ? [{ academicYear: year.academicYear, term, first, last }] : [];
    }),
  );
}

/**
 * The term whose statements are due at `now`: the latest term that has ended, from `time` (UK) on the day after
 * its last day until the next term ends. Undefined before the calendar's first term has ended.
 *
 * @example
 * termlyStatementsDue(leicestershire, new Date("2025-12-20T08:05:00Z"), "08:00") // { academicYear: "2025/26", term: "autumn", first: "2025-08-26", last: "2025-12-19" }
 * termlyStatementsDue(leicestershire, new Date("2025-12-19T16:00:00Z"), "08:00") // undefined: the term's last day
 * termlyStatementsDue(leicestershire, new Date("2026-12-02T10:00:00Z"), "08:00") // { academicYear: "2025/26", term: "summer", first: "2026-04-13", last: "2026-07-10" }
 */
export function termlyStatementsDue(calendar: SchoolCalendar, now: Date, time: string): StatementTerm | undefined {
  return schoolTerms(calendar)
    .filter((t) => isDue(now, addDays(t.last, 1), time))
    .at(-1);
}

/**
 * The academic year whose Progress & Achievement summary is due at `now`: in September, from `time` (UK) on the
 * 1st, the year that has just ended.
 *
 * @example
 * progressSummaryDue(new Date("2026-09-01T07:30:00Z"), "08:00") // "2025/26" (08:30 BST)
 * progressSummaryDue(new Date("2026-08-31T12:00:00Z"), "08:00") // undefined
 * progressSummaryDue(new Date("2026-10-01T12:00:00Z"), "08:00") // undefined
 */
export function progressSummaryDue(now: Date, time: string): string | undefined {
  const today = londonDay(now);
  const year = Number(today.slice(0, 4));
  if (today.slice(5, 7) !== "09" || !isDue(now, `${year}-09-01`, time)) return undefined;
  return `${year - 1}/${String(year % 100).padStart(2, "0")}`;
}
