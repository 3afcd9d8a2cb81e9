import { addSchoolDays, type Day, type SchoolCalendar } from "../calendar";
import type { CoreGroupMember, Panel, VotingState } from "./voting";

/** How many school days before a meeting members who have not given a view are reminded. */
export const REMINDER_SCHOOL_DAYS = 2;

/**
 * Whether members should be reminded today (UK day) about a case heard at a meeting on `meetingDay`: from two
 * school days before the meeting up to the meeting day itself.
 *
 * @example
 * isReminderDue(leicestershire, "2026-12-03", "2026-12-01") // true: Tuesday, two school days before Thursday
 * isReminderDue(leicestershire, "2026-12-03", "2026-11-30") // false: too early
 */
export function isReminderDue(calendar: SchoolCalendar, meetingDay: Day, today: Day): boolean {
  return today >= addSchoolDays(calendar, meetingDay, -REMINDER_SCHOOL_DAYS) && today <= meetingDay;
}

/**
 * The members whose school has no view yet on a case (a deputy's view counts for the member).
 *
 * @example
 * const panel = { members: [{ id: "user-id-1", schoolUrn: "120345", name: "Head, Oakfield" },
 *   { id: "user-id-2", schoolUrn: "120346", name: "Head, Riverside" }], deputies: [], chairId: "user-id-0", quorumSchools: 1 };
 * const votes = { caseRef: "LNCIP-2026-0042", views: { "user-id-1": { outcome: "inSchoolSupport", at: "2026-11-26T16:00:00Z", schoolUrn: "120345", givenBy: "user-id-1" } } };
 * membersWithoutView(panel, votes).map((m) => m.id) // ["user-id-2"]
 */
export function membersWithoutView(panel: Panel, votes: VotingState): CoreGroupMember[] {
  return panel.members.filter((m) => votes.views[m.id] === undefined);
}
