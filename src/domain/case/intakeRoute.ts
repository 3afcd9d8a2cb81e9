import type { ReferralForm } from "../referral/referralForm";
import { initialStatus } from "./caseRecord";
import type { CaseKind, PurchaseOrder } from "./caseState";
import type { CaseStatus } from "./caseStatus";
import type { CaseCommand } from "./decide";

/** What the open-case index and the Cases list say about a named pupil (no identity: references and statuses). */
export interface PupilCases {
  /** The case that holds the pupil now, if any. */
  openCase?: { caseRef: string; kind: CaseKind; status: CaseStatus; named: boolean } | undefined;
  /** The pupil's latest case that has ended (closed, withdrawn, its placement ended): a new case names it. */
  lastEndedCase?: string | undefined;
}

/** What one accepted submission becomes. */
export type SubmissionRoute =
  /** A new case (a new case number), in the status the form starts it in, naming the pupil's previous case if any. */
  | { kind: "newCase"; status: "received" | "awaitingDirectorsException"; previousCaseRef?: string | undefined }
  /** The pupil's open Inclusion Forum case takes the referral on: the command to apply to it. */
  | { kind: "continueCase"; caseRef: string; command: Extract<CaseCommand, { kind: "continueAsReferral" }> }
  /** The pupil already has an open case that cannot take it on: the submission is added to that case. */
  | { kind: "linkToCase"; caseRef: string };

/** Statuses in which an Inclusion Forum case can become its pupil's Partnership referral. */
const continuable: readonly CaseStatus[] = ["received", "awaitingInclusionForum", "inclusionForumOutcome"];

/**
 * Where an accepted submission goes: one pupil, one open case. A named Partnership referral for a pupil whose open
 * case is an Inclusion Forum case becomes that case's referral; any other submission for a pupil with an open case is
 * linked to it; otherwise it is a new case — a referral with no Inclusion Forum case waiting for the Director's
 * exception — naming the pupil's previous case when they were referred before. Anonymous submissions (no identity,
 * so no pupil to find) are always new cases.
 *
 * @example
 * // (illustrative)
 * routeSubmission(referralForm, { openCase: { caseRef: "LNCIP-2026-0007", kind: "inclusionForum", status: "inclusionForumOutcome", named: true } },
 *   { responseId: "17", by: "s.oconnor@oakfield.example", at: "2026-11-23T09:12:00Z" })
 * // { kind: "continueCase", caseRef: "LNCIP-2026-0007", command: { kind: "continueAsReferral", responseId: "17", ... } }
 * routeSubmission(referralForm, { lastEndedCase: "LNCIP-2026-0007" }, submission)
 * // { kind: "newCase", status: "received", previousCaseRef: "LNCIP-2026-0007" }
 */
export function routeSubmission(form: ReferralForm, pupil: PupilCases, submission: { responseId: string; by: string; at: string }): SubmissionRoute {
  const named = form.parentalConsent && form.pupil?.upn !== undefined;
  const open = named ? pupil.openCase : undefined;
  if (open) {
    if (form.requestType === "partnershipReferral" && open.kind === "inclusionForum" && open.named && continuable.includes(open.status)) {
      return {
        kind: "continueCase",
        caseRef: open.caseRef,
        command: {
          kind: "continueAsReferral",
          by: submission.by,
          at: submission.at,
          responseId: submission.responseId,
          evidence: { planDoReview: form.actionsTaken !== undefined, exitStrategy: form.exitStrategy !== undefined },
          purchaseOrder: purchaseOrderOf(form),
        },
      };
    }
    return { kind: "linkToCase", caseRef: open.caseRef };
  }
  return { kind: "newCase", status: initialStatus(form), ...(named && pupil.lastEndedCase ? { previousCaseRef: pupil.lastEndedCase } : {}) };
}

/**
 * The purchase order a form brings, if it gives one with the funding it covers (the SEND top-up in pence).
 *
 * @example
 * // (illustrative)
 * purchaseOrderOf({ purchaseOrderNumber: "PO-1", fundingSources: ["awpu"], purchaseOrderSendTopUp: 6000, ... })
 * // { number: "PO-1", fundingSources: ["awpu"], sendTopUpPencePerYear: 600000, from: ..., to: ... }
 */
export function purchaseOrderOf(form: ReferralForm): PurchaseOrder | undefined {
  if (form.purchaseOrderNumber === undefined || !form.fundingSources?.length) return undefined;
  return {
    number: form.purchaseOrderNumber,
    fundingSources: [...form.fundingSources],
    ...(form.purchaseOrderFrom ? { from: form.purchaseOrderFrom } : {}),
    ...(form.purchaseOrderTo ? { to: form.purchaseOrderTo } : {}),
    ...(form.purchaseOrderSendTopUp !== undefined ? { sendTopUpPencePerYear: Math.round(form.purchaseOrderSendTopUp * 100) } : {}),
  };
}
