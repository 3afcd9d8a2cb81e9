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
 * nextMeetingWithRoom(meetings, new Map([["CG-2026-12-03", 6]]), "coreGroup", "2026-11-25", 6)
 * // the first Core Group after 3 December: 3 December is full
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
 * needsMeeting(meetings, "CG-2026-11-19", "2026-11-25") // true: 19 November has passed — the case rolls on
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
 * agendaDue(calendar, { date: "2026-12-10", ... }, "2026-12-07", 3) // true: three school days before
 */
export function agendaDue(calendar: SchoolCalendar, meeting: MeetingSlot, today: Day, daysBefore: number): boolean {
  if (meeting.kind !== "inclusionForum" || today >= meeting.date) return false;
  try {
    return schoolDaysBetween(calendar, today, meeting.date) <= daysBefore;
  } catch {
    return false;
  }
}
