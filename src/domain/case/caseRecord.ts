import { fieldLeaves, getPath } from "../fields/fieldLeaves";
import { keyStageOf } from "../referral/keyStage";
import { referralFormSchema, type ReferralForm } from "../referral/referralForm";
import type { CasesRow } from "../lists/lists";
import type { CaseState } from "./caseState";

/**
 * The Cases row for a new case: the case's own columns plus every Referral Form field in its column (read from
 * the form schema's metadata, so no field list is written twice). An anonymous case has no identity to copy.
 *
 * @example
 * // (illustrative)
 * newCaseRow(form, { caseRef: "LNCIP-2026-0042", receivedAt: "2026-11-23T09:12:00Z", responseId: "17" })
 * // { CaseRef: "LNCIP-2026-0042", Status: "received", Named: true, KeyStage: "KS3", SchoolUrn: "120345", ... }
 */
export function newCaseRow(form: ReferralForm, c: { caseRef: string; receivedAt: string; responseId: string }): CasesRow {
  const row: Record<string, unknown> = {
    CaseRef: c.caseRef,
    Status: "received",
    WorkflowStatus: "received",
    Named: form.parentalConsent && form.pupil?.upn !== undefined,
    KeyStage: keyStageOf(form.yearGroup),
    ResponseId: c.responseId,
    ReceivedAt: c.receivedAt,
    WorkflowVersion: 0,
  };
  for (const leaf of fieldLeaves(referralFormSchema)) {
    const value = getPath(form, leaf.path);
    if (value !== undefined && leaf.meta.column) row[leaf.meta.column] = value;
  }
  return row as CasesRow;
}

const DECIDED: readonly string[] = ["decided", "awaitingPo", "waitingList", "placed", "closed"];

/**
 * The state machine's view of a case, from its Cases row.
 *
 * @example
 * // (illustrative)
 * caseStateFromRow(row).status // "received"
 */
export function caseStateFromRow(row: CasesRow): CaseState {
  const r = row as CasesRow & Record<string, unknown>;
  const po = typeof r.PurchaseOrderNumber === "string" ? r.PurchaseOrderNumber : undefined;
  const funding = Array.isArray(r.FundingSources) ? (r.FundingSources as string[]) : [];
  return {
    caseRef: row.CaseRef,
    kind: r.RequestType === "inclusionForum" ? "inclusionForum" : "partnershipReferral",
    status: row.WorkflowStatus,
    named: row.Named,
    parentalConsent: r.ParentalConsent === true,
    keyStage: row.KeyStage,
    previousInclusionForumCase: typeof r.PreviousIfCase === "string" ? r.PreviousIfCase : undefined,
    inclusionForumOverride: row.IfOverrideReason ? { by: row.IfOverrideBy ?? "", reason: row.IfOverrideReason, at: "" } : undefined,
    purchaseOrder: po && funding.length ? { number: po, fundingSources: funding } : undefined,
    inclusionForumOutcome: row.InclusionForumOutcome,
    // A decision typed into the item counts as recorded only once the workflow has moved the case past Core Group.
    decision:
      row.CoreGroupOutcome && row.DecidedBy && row.DecidedAt && DECIDED.includes(row.WorkflowStatus)
        ? { outcome: row.CoreGroupOutcome, decidedBy: row.DecidedBy, decidedAt: row.DecidedAt, source: "sharepoint" }
        : undefined,
    waitingSince: row.WaitingSince,
    version: row.WorkflowVersion,
  };
}

/** The Cases columns a transition changes, from the next state. */
export function caseStateColumns(state: CaseState): Partial<CasesRow> & { RequestType: CaseState["kind"]; PreviousIfCase: string | undefined } {
  return {
    Status: state.status,
    WorkflowStatus: state.status,
    WorkflowVersion: state.version,
    CoreGroupOutcome: state.decision?.outcome,
    DecidedBy: state.decision?.decidedBy,
    DecidedAt: state.decision?.decidedAt,
    InclusionForumOutcome: state.inclusionForumOutcome,
    WaitingSince: state.waitingSince,
    IfOverrideReason: state.inclusionForumOverride?.reason,
    IfOverrideBy: state.inclusionForumOverride?.by,
    // An Inclusion Forum case taken on as a Partnership referral (convertToReferral) changes what it is.
    RequestType: state.kind,
    PreviousIfCase: state.previousInclusionForumCase,
  };
}
