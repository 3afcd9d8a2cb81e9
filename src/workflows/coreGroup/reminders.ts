import { londonClock, londonDay } from "../../domain/calendar";
import { dayLabel, isReminderDue, membersWithoutView } from "../../domain/coreGroup";
import { CORE_GROUP_CARDS_SCOPE, type CoreGroupPorts } from "./coreGroupPorts";
import { viewReminder } from "../messages/coreGroupPanelMessages";
import { CaseNotOnCardError, loadCaseOnCard, refreshCoreGroupCard, type PostedCoreGroupCard } from "./coreGroupCard";

/** Reminders go out from this UK time on a reminder day (the timer runs hourly in UTC). */
export const REMINDER_FROM = "08:00";

/** What one reminder run did. */
export interface ReminderReport {
  reminded: number;
  /** Cards re-rendered because their case moved to another meeting (rolled, or rescheduled). */
  refreshed: number;
}

/**
 * For every case with a posted Core Group card still waiting for its decision: from two school days before its
 * meeting (UK day, from 08:00), replies in the card's thread to each member who has not given a view — once per
 * member per case per meeting; and when the case's meeting has changed (an undecided case rolled to the next
 * meeting), updates the card so it says so.
 *
 * @example
 * await remindCoreGroupMembers(ports, new Date("2026-12-01T09:00:00Z")) // { reminded: 3, refreshed: 0 }
 */
export async function remindCoreGroupMembers(ports: CoreGroupPorts, now: Date): Promise<ReminderReport> {
  const report: ReminderReport = { reminded: 0, refreshed: 0 };
  const today = londonDay(now);
  for (const { value: record } of await ports.state.list<PostedCoreGroupCard>(CORE_GROUP_CARDS_SCOPE)) {
    let c;
    try {
      c = await loadCaseOnCard(ports, record.caseRef);
    } catch (e) {
      if (e instanceof CaseNotOnCardError) continue;
      throw e;
    }
    if (c.row.WorkflowStatus !== "readyForCoreGroup" || !c.meeting) continue;
    if (c.row.MeetingId !== record.meetingKey) {
      await refreshCoreGroupCard(ports, record.caseRef);
      report.refreshed++;
    }
    if (!isReminderDue(ports.calendar, c.meeting.Date, today) || londonClock(now) < REMINDER_FROM) continue;
    for (const member of membersWithoutView(c.panel.panel, c.votes.state)) {
      const { firstTime } = await ports.ledger.once(`teams:remind:${record.round}:${c.meeting.MeetingKey}:${member.id}`, async () => {
        await ports.teams.replyInThread(record.posted, viewReminder(member.name, record.caseRef, dayLabel(c.meeting!.Date), c.meeting!.StartTime));
        return true;
      });
      if (firstTime) report.reminded++;
    }
  }
  return report;
}
