import { z } from "zod";
import { daySchema, schoolCalendarFor, shippedCalendars, type Day, type PartnershipCalendar, type SchoolCalendar } from "../calendar/schoolCalendar";
import type { PlannedReview } from "./reviewSchedule";

/** A review as the Reviews list holds it: its number, day and start, its event, whether it still stands. */
export interface ScheduledReview {
  number: number;
  day: Day;
  /** ISO instant the event starts at. */
  start: string;
  eventId?: string | undefined;
  cancelled: boolean;
  /** How many times this review number was re-created after a cancellation (0 the first time). */
  revision: number;
}

/** What to do to the calendar so it matches the plan. */
export interface ReviewChanges {
  create: (PlannedReview & { revision: number })[];
  move: { review: ScheduledReview; to: PlannedReview }[];
  cancel: ScheduledReview[];
}

/**
 * Compares the reviews the plan wants with the reviews already scheduled, for the future only: reviews on or
 * before `today` stand as they were (they happened, or are overdue and chased by the reminders). The plan's
 * future reviews are numbered on from the last past review, so moving a start date moves review 3 rather than
 * cancelling it and creating another; a number the plan no longer wants is cancelled; a number cancelled before
 * and wanted again is created afresh with the next revision (its event needs a new transactionId).
 *
 * @example
 * const plan = (start) => reviewSchedule({ schoolCalendar: leicestershire, partnershipCalendar: leicestershire,
 *   placementStart: start, until: "2027-03-25", cadenceSchoolWeeks: 6, localTime: "15:30" });
 * const scheduled = plan("2026-11-02").map((p) => ({ number: p.number, day: p.day, start: p.start.toISOString(),
 *   eventId: `e${p.number}`, cancelled: false, revision: 0 }));
 * const changes = reviewChanges(plan("2026-11-30"), scheduled, "2026-11-25");
 * changes.move.map((m) => `${m.review.number}: ${m.review.day} → ${m.to.day}`) // ["2: 2027-02-08 → 2027-01-25", "3: 2027-03-19 → 2027-03-15"]
 * changes.create.length + changes.cancel.length // 0 — review 1 (14 December) stays as it is
 */
export function reviewChanges(planned: readonly PlannedReview[], existing: readonly ScheduledReview[], today: Day): ReviewChanges {
  const past = existing.filter((r) => !r.cancelled && r.day <= today);
  const lastPast = past.reduce((n, r) => Math.max(n, r.number), 0);
  const future = planned.filter((p) => p.day > today).map((p, i) => ({ ...p, number: lastPast + i + 1 }));
  const byNumber = new Map(existing.map((r) => [r.number, r]));
  const changes: ReviewChanges = { create: [], move: [], cancel: [] };
  for (const p of future) {
    const r = byNumber.get(p.number);
    if (!r) changes.create.push({ ...p, revision: 0 });
    else if (r.cancelled) changes.create.push({ ...p, revision: r.revision + 1 });
    else if (Date.parse(r.start) !== p.start.getTime()) changes.move.push({ review: r, to: p });
  }
  const wanted = new Set(future.map((p) => p.number));
  for (const r of existing) if (!r.cancelled && r.day > today && !wanted.has(r.number)) changes.cancel.push(r);
  return changes;
}

/**
 * The transactionId of a review's event: the case and the review's number (and revision, once re-created), so
 * a retried create returns the event already made instead of a second one.
 *
 * @example
 * reviewTransactionId("LNCIP-2026-0042", 3, 0) // "LNCIP-2026-0042-review-3"
 */
export function reviewTransactionId(caseRef: string, number: number, revision: number): string {
  return revision ? `${caseRef}-review-${number}-r${revision}` : `${caseRef}-review-${number}`;
}

/**
 * The Reviews list's key (its Title) of a review.
 *
 * @example
 * reviewKey("LNCIP-2026-0042", 3) // "LNCIP-2026-0042:review:3"
 */
export function reviewKey(caseRef: string, number: number): string {
  return `${caseRef}:review:${number}`;
}

/**
 * A school's calendar from the Schools list's `CalendarOverride` text: empty → the partnership's; the id of a
 * shipped calendar → that calendar; otherwise the school's extra closure days, `yyyy-MM-dd` separated by commas
 * or spaces (INSET days the partnership does not share). Anything else is reported, not guessed.
 *
 * @example
 * const { calendar: oakfield } = schoolCalendarFromOverride(shippedCalendars.leicestershire, "2026-12-14, 2027-02-01");
 * isSchoolDay(oakfield, "2026-12-14") // false: closed on those two days too
 * schoolCalendarFromOverride(shippedCalendars.leicestershire, "2026-12-14, Tuesday").problem
 * // "Calendar override \"2026-12-14, Tuesday\" has Tuesday, which is neither a calendar id nor a date (yyyy-MM-dd)."
 */
export function schoolCalendarFromOverride(partnership: PartnershipCalendar, override: string | undefined): { calendar: SchoolCalendar; problem?: string } {
  const text = override?.trim();
  if (!text) return { calendar: schoolCalendarFor(partnership) };
  const shipped = shippedCalendars[text];
  if (shipped) return { calendar: schoolCalendarFor(shipped) };
  const parts = text.split(/[\s,;]+/).filter(Boolean);
  const days = parts.filter((p) => daySchema.safeParse(p).success);
  const bad = parts.filter((p) => !daySchema.safeParse(p).success);
  const calendar = schoolCalendarFor(partnership, { id: "override", years: [], extraClosures: z.array(daySchema).parse(days) });
  return bad.length ? { calendar, problem: `Calendar override "${text}" has ${bad.join(", ")}, which is neither a calendar id nor a date (yyyy-MM-dd).` } : { calendar };
}
