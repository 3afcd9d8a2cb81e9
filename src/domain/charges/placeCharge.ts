import type { CalendarYear, Day, SchoolCalendar } from "../calendar/schoolCalendar";
import { schoolDaysIn } from "../calendar/schoolDays";

export interface PlaceCharge {
  /** School days in the period the place was used. */
  schoolDaysUsed: number;
  /** Whole pence, rounded half up. */
  pence: number;
}

/**
 * What a school pays for a place over a period: the full-year rate, pro rata for the school days the place was
 * used (between the placement's start and end, within the period), times the part of the week it covers (a
 * part-time place of 3 days a week is 3/5). Each school day costs the rate divided by the school days of its
 * own academic year (term dates decide the year, not 1 September), so a period across two years is charged
 * fairly. Rates are whole pence (settings), and the total is rounded once.
 *
 * @example
 * placeCharge(calendar, { ratePencePerYear: 1_800_000, placementStart: "2026-11-02", placementEnd: undefined,
 *   periodStart: "2026-11-01", periodEnd: "2026-11-30", daysPerWeek: 5 })
 * // { schoolDaysUsed: 21, pence: 197906 } — £18,000 × 21 of the 191 school days in 2026/27
 */
export function placeCharge(
  calendar: SchoolCalendar,
  p: { ratePencePerYear: number; placementStart: Day; placementEnd: Day | undefined; periodStart: Day; periodEnd: Day; daysPerWeek: number },
): PlaceCharge {
  if (!Number.isInteger(p.ratePencePerYear) || p.ratePencePerYear < 0) throw new RangeError("A place rate is a whole number of pence");
  if (p.daysPerWeek < 0 || p.daysPerWeek > 5) throw new RangeError("A place covers 0 to 5 days a week");
  const from = p.placementStart > p.periodStart ? p.placementStart : p.periodStart;
  const end = p.placementEnd ?? p.periodEnd;
  const to = end < p.periodEnd ? end : p.periodEnd;
  if (from > to) return { schoolDaysUsed: 0, pence: 0 };

  let used = 0;
  let exact = 0;
  for (const year of calendar.years) {
    const first = year.halfTerms[0]?.first;
    const last = year.halfTerms[year.halfTerms.length - 1]?.last;
    if (!first || !last || last < from || first > to) continue;
    const days = schoolDaysIn(calendar, from > first ? from : first, to < last ? to : last).length;
    used += days;
    exact += (p.ratePencePerYear * days * p.daysPerWeek) / (schoolDaysInYear(calendar, year) * 5);
  }
  return { schoolDaysUsed: used, pence: Math.round(exact) };
}

/** The school days a full-year place buys in an academic year. */
export function schoolDaysInYear(calendar: SchoolCalendar, year: CalendarYear): number {
  const first = year.halfTerms[0]?.first;
  const last = year.halfTerms[year.halfTerms.length - 1]?.last;
  return first && last ? schoolDaysIn(calendar, first, last).length : 0;
}
