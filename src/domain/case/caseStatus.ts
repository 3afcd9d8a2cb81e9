import { z } from "zod";

/**
 * Where a case is in the graduated response. The code is what the app stores and reasons about;
 * the label is what a coordinator sees and picks in the SharePoint Cases list (a choice column).
 *
 * @example
 * caseStatusLabel("readyForCoreGroup") // "Ready for Core Group"
 * caseStatusFromLabel("Awaiting PO")    // "awaitingPo"
 */
export const caseStatusLabels = {
  received: "Received",
  /** A Partnership referral with no Inclusion Forum case: only the Director can let it go on without the forum. */
  awaitingDirectorsException: "Awaiting Director's exception",
  awaitingInclusionForum: "Awaiting Inclusion Forum",
  inclusionForumOutcome: "Inclusion Forum outcome given",
  triage: "In triage",
  readyForCoreGroup: "Ready for Core Group",
  decided: "Decided",
  awaitingPo: "Awaiting PO",
  waitingList: "Waiting list",
  placed: "In placement",
  closed: "Closed",
  withdrawn: "Withdrawn",
} as const;

export type CaseStatus = keyof typeof caseStatusLabels;
export const caseStatuses = Object.keys(caseStatusLabels) as [CaseStatus, ...CaseStatus[]];
export const caseStatusSchema = z.enum(caseStatuses);

export function caseStatusLabel(status: CaseStatus): string {
  return caseStatusLabels[status];
}

export function caseStatusFromLabel(label: string): CaseStatus | undefined {
  return caseStatuses.find((s) => caseStatusLabels[s] === label);
}

/** Statuses in which a case is still being worked on: a pupil has at most one open case. */
export const openCaseStatuses: readonly CaseStatus[] = [
  "received",
  "awaitingDirectorsException",
  "awaitingInclusionForum",
  // Heard, but not finished with: the school may refer, the Coordinator may take it on or close it.
  "inclusionForumOutcome",
  "triage",
  "readyForCoreGroup",
  "decided",
  "awaitingPo",
  "waitingList",
  "placed",
];

/**
 * Whether a case still holds its pupil: open, not closed or withdrawn (a placement that ended closes its case). A
 * pupil whose case has ended can be referred again: a new case, naming the one before.
 *
 * @example
 * isOpenStatus("waitingList") // true
 * isOpenStatus("withdrawn")   // false
 */
export function isOpenStatus(status: CaseStatus): boolean {
  return openCaseStatuses.includes(status);
}
