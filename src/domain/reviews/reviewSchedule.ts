import type { Day, SchoolCalendar } from "../calendar/schoolCalendar";
import { addSchoolDays, halfTerms, isSchoolDay } from "../calendar/schoolDays";
import { addDays } from "../calendar/days";
import { londonTime } from "../calendar/londonTime";

export interface PlannedReview {
  /** 1, 2, 3… in date order: with the case reference, the review's identity (and its event's transactionId). */
  number: number;
  day: Day;
  start: Date;
  end: Date;
}

export interface ReviewPlan {
  /** The pupil's home school's calendar and the partnership's: a review happens only on a day both are open. */
  schoolCalendar: SchoolCalendar;
  partnershipCalendar: SchoolCalendar;
  placementStart: Day;
  /** The last day to plan up to: the placement's end, or the end of the known term dates. */
  until: Day;
  /** Every this many school weeks (DfE: reviews at least every half term; default 6). */
  cadenceSchoolWeeks: number;
  /** UK local time the review starts, HH:mm, and how long it lasts. */
  localTime: string;
  minutes?: number;
}

/**
 * The dates of a placement's reviews: every `cadenceSchoolWeeks` school weeks from the start, plus one in any
 * half term the placement spans that would otherwise have none (DfE guidance: at least every half term), each on
 * a day that is a school day for both the home school and the partnership, at the set UK time (correct either side
 * of a BST change).
 *
 * @example
 * const reviews = reviewSchedule({ schoolCalendar: leicestershire, partnershipCalendar: leicestershire,
 *   placementStart: "2026-11-02", until: "2027-03-25", cadenceSchoolWeeks: 6, localTime: "15:30" });
 * reviews.map((r) => r.day) // ["2026-12-14", "2027-02-08", "2027-03-19"]
 * reviews[0].start.toISOString() // "2026-12-14T15:30:00.000Z" — 15:30 in London (GMT)
 */
export function reviewSchedule(plan: ReviewPlan): PlannedReview[] {
  const both = (d: Day) => isSchoolDay(plan.schoolCalendar, d) && isSchoolDay(plan.partnershipCalendar, d);
  const firstCommonOnOrAfter = (d: Day): Day | undefined => {
    for (let day = d, i = 0; i < 120; day = addDays(day, 1), i++) {
      if (day > plan.until) return undefined;
      if (both(day)) return day;
    }
    return undefined;
  };
  const step = plan.cadenceSchoolWeeks * 5;
  const days = new Set<Day>();
  for (let k = 1; ; k++) {
    let candidate: Day;
    try {
      candidate = addSchoolDays(plan.partnershipCalendar, plan.placementStart, k * step);
    } catch {
      break; // past the known term dates
    }
    if (candidate > plan.until) break;
    const day = firstCommonOnOrAfter(candidate);
    if (day) days.add(day);
  }
  // Any half term the placement spans with no review gets one at the start of its last week.
  for (const ht of halfTerms(plan.partnershipCalendar)) {
    if (ht.last < plan.placementStart || ht.first > plan.until) continue;
    if ([...days].some((d) => d >= ht.first && d <= ht.last)) continue;
    const lastWeek = addSchoolDays(plan.partnershipCalendar, ht.last, -4);
    const from = lastWeek > plan.placementStart ? lastWeek : addDays(plan.placementStart, 1);
    const day = firstCommonOnOrAfter(from);
    if (day && day <= ht.last) days.add(day);
  }
  const minutes = plan.minutes ?? 60;
  return [...days].sort().map((day, i) => {
    const start = londonTime(day, plan.localTime);
    return { number: i + 1, day, start, end: new Date(start.getTime() + minutes * 60_000) };
  });
}
