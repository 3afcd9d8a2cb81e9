import type { Day, SchoolCalendar } from "../calendar/schoolCalendar";
import { schoolDaysBetween } from "../calendar/schoolDays";

export type MeetingKind = "coreGroup" | "inclusionForum";

/** A dated meeting from the Meetings list. */
export interface MeetingSlot {
  key: string;
  kind: MeetingKind;
  date: Day;
  startTime: string;
  agendaSize: number;
}

/**
 * The next meeting of a kind, after `today`, with room on its agenda: each meeting takes at most its own agenda
 * size and the partnership's (`maxAgenda`), counting the cases already assigned to it. Undefined when no
 * future meeting has room (the Coordinator must add one).
 *
 * @example
 * const meetings = [
 *   { key: "CG-2026-12-03", kind: "coreGroup", date: "2026-12-03", startTime: "16:00", agendaSize: 6 },
 *   { key: "CG-2026-12-17", kind: "coreGroup", date: "2026-12-17", startTime: "16:00", agendaSize: 8 },
 * ];
 * nextMeetingWithRoom(meetings, new Map([["CG-2026-12-03", 6]]), "coreGroup", "2026-11-25", 6).key // "CG-2026-12-17": 3 December is full
 */
export function nextMeetingWithRoom(
  meetings: readonly MeetingSlot[],
  assigned: ReadonlyMap<string, number>,
  kind: MeetingKind,
  today: Day,
  maxAgenda: number,
): MeetingSlot | undefined {
  return [...meetings]
    .filter((m) => m.kind === kind && m.date > today)
    .sort((a, b) => a.date.localeCompare(b.date) || a.startTime.localeCompare(b.startTime))
    .find((m) => (assigned.get(m.key) ?? 0) < Math.min(m.agendaSize, maxAgenda));
}

/**
 * Whether a case assigned to `meetingKey` must move to another meeting: it has none, its meeting is unknown, or
 * its meeting has passed (today or earlier) without a decision.
 *
 * @example
 * const meetings = [{ key: "CG-2026-11-19", kind: "coreGroup", date: "2026-11-19", startTime: "16:00", agendaSize: 6 }];
 * needsMeeting(meetings, "CG-2026-11-19", "2026-11-25") // true: 19 November has passed — the case rolls on
 * needsMeeting(meetings, "CG-2026-11-19", "2026-11-18") // false
 */
export function needsMeeting(meetings: readonly MeetingSlot[], meetingKey: string | undefined, today: Day): boolean {
  const m = meetingKey ? meetings.find((x) => x.key === meetingKey) : undefined;
  return !m || m.date < today;
}

/**
 * Whether an Inclusion Forum's agenda goes out today: from `daysBefore` school days before the meeting until
 * the day before it (a run missed on the exact day still sends it; the ledger sends it once).
 *
 * @example
 * const forum = { key: "IF-2026-12", kind: "inclusionForum", date: "2026-12-10", startTime: "09:30", agendaSize: 6 };
 * agendaDue(calendar, forum, "2026-12-07", 3) // true: three school days before
 * agendaDue(calendar, forum, "2026-12-04", 3) // false: four
 */
export function agendaDue(calendar: SchoolCalendar, meeting: MeetingSlot, today: Day, daysBefore: number): boolean {
  if (meeting.kind !== "inclusionForum" || today >= meeting.date) return false;
  try {
    return schoolDaysBetween(calendar, today, meeting.date) <= daysBefore;
  } catch {
    return false;
  }
}
