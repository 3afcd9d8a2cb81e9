import type { Day, SchoolCalendar } from "../calendar/schoolCalendar";
import { mondayOf } from "../calendar/days";
import { isSchoolDay, schoolDaysBetween, termOf } from "../calendar/schoolDays";

/**
 * The daily reminders' rules: each answers "is a reminder due today, and under which key?" — the key makes the
 * reminder once per case and period, however often the timer runs. Pure: today and the calendar come in.
 * Only school days remind anyone.
 */

/** Undefined when the calendar does not know the day (past the term dates): no reminder rather than a guess. */
function safe<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}

/**
 * A purchase order still missing: the school's finance contact and the referrer are reminded every `every`
 * school days after the request (the request itself is the first email).
 *
 * @example
 * poReminderKey(calendar, "LNCIP-2026-0042", "2026-11-26", "2026-12-01", 3) // "remind:po:LNCIP-2026-0042:2026-12-01"
 */
export function poReminderKey(calendar: SchoolCalendar, caseRef: string, requestedOn: Day, today: Day, every: number): string | undefined {
  const n = safe(() => (isSchoolDay(calendar, today) ? schoolDaysBetween(calendar, requestedOn, today) : 0)) ?? 0;
  return n > 0 && n % every === 0 ? `remind:po:${caseRef}:${today}` : undefined;
}

/**
 * A referral waiting for its Core Group decision more than `days` calendar days after it was received: the
 * Coordinator is reminded once a school week.
 *
 * @example
 * decisionPendingKey(calendar, "LNCIP-2026-0042", "2026-10-01", "2026-11-25", 28) // "remind:decision:LNCIP-2026-0042:2026-11-23"
 */
export function decisionPendingKey(calendar: SchoolCalendar, caseRef: string, receivedOn: Day, today: Day, days: number): string | undefined {
  if (!safe(() => isSchoolDay(calendar, today))) return undefined;
  const age = (Date.parse(today) - Date.parse(receivedOn)) / 86_400_000;
  return age > days ? `remind:decision:${caseRef}:${mondayOf(today)}` : undefined;
}

/**
 * A review due within `within` school days whose attendees have not confirmed: reminded once per review.
 *
 * @example
 * attendeesReminderKey(calendar, "LNCIP-2026-0042:review:2", "2026-12-14", false, "2026-12-07", 5) // "remind:attendees:LNCIP-2026-0042:review:2"
 */
export function attendeesReminderKey(calendar: SchoolCalendar, reviewKey: string, due: Day, confirmed: boolean, today: Day, within = 5): string | undefined {
  if (confirmed || due <= today || !safe(() => isSchoolDay(calendar, today))) return undefined;
  const n = safe(() => schoolDaysBetween(calendar, today, due));
  return n !== undefined && n <= within ? `remind:attendees:${reviewKey}` : undefined;
}

/**
 * A review whose day has passed with no outcome recorded: the Coordinator is reminded once a school week.
 *
 * @example
 * overdueReviewKey(calendar, "LNCIP-2026-0042:review:1", "2026-12-14", false, "2026-12-16") // "remind:overdue:LNCIP-2026-0042:review:1:2026-12-14"
 */
export function overdueReviewKey(calendar: SchoolCalendar, reviewKey: string, due: Day, outcomeRecorded: boolean, today: Day): string | undefined {
  if (outcomeRecorded || due >= today || !safe(() => isSchoolDay(calendar, today))) return undefined;
  return `remind:overdue:${reviewKey}:${mondayOf(today)}`;
}

/**
 * A programme-managed pupil's home school must visit at least once a term. From `graceSchoolDays` school days
 * into the term (or into the placement, if it started later), with no visit recorded since the term began, the
 * school and the Coordinator are reminded once a school week.
 *
 * @example
 * schoolVisitReminderKey(calendar, "LNCIP-2026-0042", "2026-09-01", undefined, "2026-11-23", 20) // "remind:visit:LNCIP-2026-0042:2026-11-23"
 */
export function schoolVisitReminderKey(calendar: SchoolCalendar, caseRef: string, placementStart: Day, lastVisit: Day | undefined, today: Day, graceSchoolDays = 20): string | undefined {
  if (!safe(() => isSchoolDay(calendar, today))) return undefined;
  const term = safe(() => termOf(calendar, today));
  if (!term) return undefined;
  if (lastVisit && lastVisit >= term.first) return undefined;
  const from = placementStart > term.first ? placementStart : term.first;
  const into = safe(() => schoolDaysBetween(calendar, from, today)) ?? 0;
  return into >= graceSchoolDays ? `remind:visit:${caseRef}:${mondayOf(today)}` : undefined;
}
