import { londonDay, type Day } from "../../domain/calendar";
import { odataString } from "../../m365/odata";
import { attendeesReminderKey, decisionPendingKey, overdueReviewKey, poReminderKey, schoolVisitReminderKey } from "../../domain/reminders";
import { caseStatusLabels } from "../../domain/case/caseStatus";
import { mailOnce, type PlacementPorts, type PlacementRecord } from "../placements/placementPorts";
import { decisionStillPending, reviewAttendeesNotConfirmed, reviewOutcomeMissing } from "../messages/coordinatorMessages";
import { purchaseOrderStillNeeded, schoolVisitDue } from "../messages/schoolMessages";
import type { Message } from "../messages/message";

/*
 * The reminders that keep cases moving, each sent once under its own ledger key (per case and day or week), so a
 * second run the same day sends nothing new. When each is due is the domain's (src/domain/reminders).
 */

/** Sends a reminder that is due (a key) once; true when it went now. */
async function remind(ports: PlacementPorts, key: string | undefined, to: (string | undefined)[], message: Message): Promise<boolean> {
  return key !== undefined && (await mailOnce(ports, key, to, message));
}

/**
 * No school visit recorded this term for a programme-managed pupil: the school's SENCO and the Coordinator, weekly.
 *
 * @example
 * await remindSchoolVisits(ports, openPlacements, "2026-12-02") // 1
 */
export async function remindSchoolVisits(ports: PlacementPorts, placements: readonly PlacementRecord[], today: Day): Promise<number> {
  const { calendar } = ports.partnershipCalendar;
  let sent = 0;
  for (const { row } of placements) {
    if (row.PlacementStatus !== "active") continue;
    const school = row.SchoolUrn ? await ports.schools.byUrn(row.SchoolUrn) : undefined;
    if (await remind(ports, schoolVisitReminderKey(calendar, row.CaseRef, row.StartDate, row.LastSchoolVisit, today), [school?.SencoEmail, ports.settings.COORDINATOR_EMAIL], schoolVisitDue(row.CaseRef))) sent++;
  }
  return sent;
}

/**
 * A missing purchase order, every PO_REMINDER_SCHOOL_DAYS school days: the school's finance contact and the referrer.
 *
 * @example
 * await remindPurchaseOrders(ports, "2026-12-02") // 2
 */
export async function remindPurchaseOrders(ports: PlacementPorts, today: Day): Promise<number> {
  const { calendar } = ports.partnershipCalendar;
  let sent = 0;
  for (const item of await ports.cases.all({ filter: `fields/Status eq ${odataString(caseStatusLabels.awaitingPo)}` })) {
    const r = item.row;
    if (r.WorkflowStatus !== "awaitingPo") continue;
    const since = londonDay(new Date(r.DecidedAt ?? item.lastModified ?? ports.now().toISOString()));
    const school = r.SchoolUrn !== undefined ? await ports.schools.byUrn(r.SchoolUrn) : undefined;
    if (await remind(ports, poReminderKey(calendar, r.CaseRef, since, today, ports.settings.PO_REMINDER_SCHOOL_DAYS), [school?.FinanceEmail, r.ReferrerEmail], purchaseOrderStillNeeded(r.CaseRef))) sent++;
  }
  return sent;
}

/**
 * A referral still undecided DECISION_PENDING_DAYS after it was received: the Coordinator, weekly.
 *
 * @example
 * await remindPendingDecisions(ports, "2026-12-02") // 0
 */
export async function remindPendingDecisions(ports: PlacementPorts, today: Day): Promise<number> {
  const { calendar } = ports.partnershipCalendar;
  let sent = 0;
  for (const { row: r } of await ports.cases.all({ filter: `fields/Status eq ${odataString(caseStatusLabels.readyForCoreGroup)}` })) {
    if (r.WorkflowStatus !== "readyForCoreGroup") continue;
    const received = londonDay(new Date(r.ReceivedAt));
    if (await remind(ports, decisionPendingKey(calendar, r.CaseRef, received, today, ports.settings.DECISION_PENDING_DAYS), [ports.settings.COORDINATOR_EMAIL], decisionStillPending(r.CaseRef, received, r.MeetingId))) sent++;
  }
  return sent;
}

/**
 * Reviews: within five school days with attendees not confirmed (the Coordinator, once), and overdue without an
 * outcome (the Coordinator, weekly).
 *
 * @example
 * await remindReviews(ports, "2026-12-02") // 1
 */
export async function remindReviews(ports: PlacementPorts, today: Day): Promise<number> {
  const { calendar } = ports.partnershipCalendar;
  let sent = 0;
  // Only the columns the reminders need are read: a review a person has made unreadable elsewhere is still chased.
  for (const { row: review } of await ports.reviews.columns(["ReviewKey", "CaseRef", "Number", "DueDate", "AttendeesConfirmed", "ReturnToMainstream", "ReviewStatus"])) {
    if (review.ReviewStatus === "cancelled") continue;
    const to = [ports.settings.COORDINATOR_EMAIL];
    if (await remind(ports, attendeesReminderKey(calendar, review.ReviewKey, review.DueDate, review.AttendeesConfirmed, today), to, reviewAttendeesNotConfirmed(review.CaseRef, review.Number, review.DueDate))) sent++;
    if (await remind(ports, overdueReviewKey(calendar, review.ReviewKey, review.DueDate, review.ReturnToMainstream !== undefined, today), to, reviewOutcomeMissing(review.CaseRef, review.Number, review.DueDate))) sent++;
  }
  return sent;
}
