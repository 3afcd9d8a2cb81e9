import { isSchoolDay, londonDay, type Day } from "../../domain/calendar";
import { attendeesReminderKey, decisionPendingKey, overdueReviewKey, poReminderKey, schoolVisitReminderKey } from "../../domain/reminders";
import { chargeToDate } from "../../domain/placement";
import { caseStatusLabels } from "../../domain/case/caseStatus";
import { escapeHtml } from "../../m365/outlook/mail";
import { mailOnce, placementRecord, updatePlacement, type PlacementPorts } from "../placements/placementPorts";
import { startPlacement } from "../placements/placementSetUp";
import { meetingsRound } from "../meetings/meetingAssignment";

/** What one daily run did (counts only: nothing personal). */
export interface DailyRunReport {
  day: Day;
  schoolDay: boolean;
  reminders: number;
  started: number;
  charges: number;
  meetingAssignments: number;
  agendas: number;
}

/**
 * The daily round that keeps cases moving, run by one timer each weekday morning. It decides in Europe/London
 * whether today is a school day of the partnership (no reminders otherwise) and then:
 * - starts placements whose start date has come (the case goes "In placement", its reviews go into Outlook);
 * - brings each running placement's charge to date (pro rata, ChargeToDatePence);
 * - puts cases waiting for a Core Group or an Inclusion Forum on the next meeting with room (rolling on those
 *   whose meeting passed undecided) and sends each Inclusion Forum's agenda when due;
 * - reminds: a missing PO every PO_REMINDER_SCHOOL_DAYS school days (school finance and referrer); a decision
 *   pending beyond DECISION_PENDING_DAYS (Coordinator, weekly); a review within 5 school days whose attendees
 *   have not confirmed (Coordinator, once); a review overdue without an outcome (Coordinator, weekly); no school
 *   visit recorded this term for a programme-managed pupil (school SENCO and Coordinator, weekly).
 * Every email has its own ledger key, so a second run the same day (or a retried one) sends nothing new.
 *
 * @example
 * await dailyRound(ports) // { day: "2026-12-01", schoolDay: true, reminders: 3, started: 1, ... }
 */
export async function dailyRound(ports: PlacementPorts): Promise<DailyRunReport> {
  const today = londonDay(ports.now());
  const { calendar } = ports.partnershipCalendar;
  const report: DailyRunReport = { day: today, schoolDay: false, reminders: 0, started: 0, charges: 0, meetingAssignments: 0, agendas: 0 };
  try {
    report.schoolDay = isSchoolDay(calendar, today);
  } catch {
    ports.log(`${today} is outside the partnership's known term dates: add the next academic year's dates`);
    return report;
  }
  if (!report.schoolDay) return report;
  const s = ports.settings;
  const remind = async (key: string | undefined, to: (string | undefined)[], subject: string, html: string) => {
    if (key && (await mailOnce(ports, key, to, subject, html))) report.reminders++;
  };

  // Placements: start those due, keep charges to date, and chase termly school visits.
  for (const item of await ports.placements.all({ filter: `fields/PlacementStatus ne 'Ended'` })) {
    const record = placementRecord(item);
    const row = record.row;
    if (row.PlacementStatus === "settingUp" && row.StartDate <= today) {
      if ((await startPlacement(ports, record)) === "started") report.started++;
      continue;
    }
    if (row.PlacementStatus !== "active") continue;
    if (record.pattern && row.ChargeUpdatedOn !== today) {
      const charge = chargeToDate(calendar, { ratePencePerYear: s.placeRatePencePerYear[row.KeyStage], startDate: row.StartDate, endDate: row.EndDate, pattern: record.pattern, today });
      await updatePlacement(ports, record, { ChargeToDatePence: charge.pence, ChargeUpdatedOn: today });
      report.charges++;
    }
    const school = row.SchoolUrn ? await ports.schools.byUrn(row.SchoolUrn) : undefined;
    await remind(
      schoolVisitReminderKey(calendar, row.CaseRef, row.StartDate, row.LastSchoolVisit, today),
      [school?.SencoEmail, s.COORDINATOR_EMAIL],
      `${row.CaseRef}: no school visit recorded this term`,
      `<p>The home school must visit each programme-managed pupil at least once a term. No visit to <b>${escapeHtml(row.CaseRef)}</b> has been recorded this term. Please arrange one; the Coordinator records it as the placement's "Last school visit".</p>`,
    );
  }

  // Cases: purchase orders and decisions that have stalled.
  for (const status of ["awaitingPo", "readyForCoreGroup"] as const) {
    for (const item of await ports.cases.all({ filter: `fields/Status eq '${caseStatusLabels[status]}'` })) {
      const r = item.row;
      if (r.WorkflowStatus !== status) continue;
      if (status === "awaitingPo") {
        const since = londonDay(new Date(r.DecidedAt ?? item.lastModified ?? ports.now().toISOString()));
        const school = r.SchoolUrn !== undefined ? await ports.schools.byUrn(r.SchoolUrn) : undefined;
        await remind(
          poReminderKey(calendar, r.CaseRef, since, today, s.PO_REMINDER_SCHOOL_DAYS),
          [school?.FinanceEmail, r.ReferrerEmail],
          `${r.CaseRef}: purchase order still needed`,
          `<p>The placement for case <b>${escapeHtml(r.CaseRef)}</b> cannot start until the partnership has a purchase order number and the funding it covers. Please add them to the case or reply to this email.</p>`,
        );
      } else {
        await remind(
          decisionPendingKey(calendar, r.CaseRef, londonDay(new Date(r.ReceivedAt)), today, s.DECISION_PENDING_DAYS),
          [s.COORDINATOR_EMAIL],
          `${r.CaseRef}: still waiting for a Core Group decision`,
          `<p><b>${escapeHtml(r.CaseRef)}</b> was received on ${escapeHtml(londonDay(new Date(r.ReceivedAt)))} and has no Core Group decision yet${r.MeetingId !== undefined ? ` (on the agenda of ${escapeHtml(r.MeetingId)})` : ""}.</p>`,
        );
      }
    }
  }

  // Reviews: attendees not confirmed, outcomes not recorded.
  // Only the columns the reminders need are read: a review a person has made unreadable elsewhere is still chased.
  for (const { row: review } of await ports.reviews.columns(["ReviewKey", "CaseRef", "Number", "DueDate", "AttendeesConfirmed", "ReturnToMainstream", "ReviewStatus"])) {
    if (review.ReviewStatus === "cancelled") continue;
    const due = review.DueDate;
    const ref = review.CaseRef;
    await remind(attendeesReminderKey(calendar, review.ReviewKey, due, review.AttendeesConfirmed, today), [s.COORDINATOR_EMAIL], `${ref}: review on ${due} — attendees not confirmed`, `<p>Placement review ${escapeHtml(String(review.Number))} for <b>${escapeHtml(ref)}</b> is on ${escapeHtml(due)} and its attendees have not confirmed. Please check with the school's SENCO and the referrer, then tick "Attendees confirmed".</p>`);
    await remind(overdueReviewKey(calendar, review.ReviewKey, due, review.ReturnToMainstream !== undefined, today), [s.COORDINATOR_EMAIL], `${ref}: review of ${due} has no outcome`, `<p>Placement review ${escapeHtml(String(review.Number))} for <b>${escapeHtml(ref)}</b> was due on ${escapeHtml(due)} and no outcome is recorded. Please record "Able to return to mainstream?" and the next steps in the Reviews list.</p>`);
  }

  const meetings = await meetingsRound(ports);
  report.meetingAssignments = meetings.assigned;
  report.agendas = meetings.agendas;
  return report;
}
