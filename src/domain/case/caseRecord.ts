import { fieldLeaves, getPath } from "../fields/fieldLeaves";
import { poundsAsPence } from "../charges/poundsAsPence";
import { keyStageOf } from "../referral/keyStage";
import { referralFormSchema, type ReferralForm } from "../referral/referralForm";
import type { CasesRow } from "../lists/lists";
import type { CaseState, RecordedBy } from "./caseState";
import type { CaseStatus } from "./caseStatus";
import type { CaseEffect } from "./effects";

/**
 * The status a new case starts in: a Partnership referral with no Inclusion Forum case waits for the Director's
 * exception ("Inclusion Forum first"); everything else is received for triage.
 *
 * @example
 * initialStatus({ requestType: "partnershipReferral", previousInclusionForumCase: undefined }) // "awaitingDirectorsException"
 */
export function initialStatus(form: Pick<ReferralForm, "requestType" | "previousInclusionForumCase">): "received" | "awaitingDirectorsException" {
  return form.requestType === "partnershipReferral" && form.previousInclusionForumCase === undefined ? "awaitingDirectorsException" : "received";
}

/**
 * The Cases row for a new case: the case's own columns plus every Referral Form field in its column (read from
 * the form schema's metadata, so no field list is written twice). An anonymous case has no identity to copy. A
 * pupil referred again names their previous case.
 *
 * @example
 * // (illustrative)
 * newCaseRow(form, { caseRef: "LNCIP-2026-0042", receivedAt: "2026-11-23T09:12:00Z", responseId: "17" })
 * // { CaseRef: "LNCIP-2026-0042", Status: "received", Named: true, KeyStage: "KS3", SchoolUrn: "120345", ... }
 */
export function newCaseRow(form: ReferralForm, c: { caseRef: string; receivedAt: string; responseId: string; previousCaseRef?: string | undefined }): CasesRow {
  const status = initialStatus(form);
  const row: Record<string, unknown> = {
    CaseRef: c.caseRef,
    Status: status,
    WorkflowStatus: status,
    Named: form.parentalConsent && form.pupil?.upn !== undefined,
    KeyStage: keyStageOf(form.yearGroup),
    ResponseId: c.responseId,
    ReceivedAt: c.receivedAt,
    WorkflowVersion: 0,
    ...(c.previousCaseRef ? { PreviousCaseRef: c.previousCaseRef } : {}),
  };
  return { ...row, ...referralColumnsOf(form) } as CasesRow;
}

/** Every Referral Form field the form gives, in its Cases column (from the form schema's metadata). */
function referralColumnsOf(form: ReferralForm): Record<string, unknown> {
  const columns: Record<string, unknown> = {};
  for (const leaf of fieldLeaves(referralFormSchema)) {
    const value = getPath(form, leaf.path);
    if (value !== undefined && leaf.meta.column) columns[leaf.meta.column] = value;
  }
  return columns;
}

/**
 * The Cases columns a named referral writes into the Inclusion Forum case it continues: every answer it gives (the
 * evidence of plan-do-review, the exit strategy, the support asked for, the PO and its period, the DSL, the pupil's
 * details as now given), leaving alone what it does not give (what the school asked of the forum stays) and what the
 * transition decided (the request type and the Inclusion Forum case it names).
 *
 * @example
 * // (illustrative)
 * referralIntoCaseColumns(referralForm) // { ActionsTaken: "Assess: …", ExitStrategy: "Phased return …", SupportRequested: "programmeManagementPartTime", PurchaseOrderNumber: "PO-88812", … }
 */
export function referralIntoCaseColumns(form: ReferralForm): Partial<CasesRow> {
  const { RequestType: _decided, PreviousIfCase: _named, ...columns } = referralColumnsOf(form);
  return columns as Partial<CasesRow>;
}

/**
 * What a new case asks to be done beyond the intake's own acknowledgement and SENCO notice: the Director is asked
 * for an exception when a referral came with no Inclusion Forum case. Keys carry transition 0, the case's arrival.
 *
 * @example
 * newCaseEffects("LNCIP-2026-0042", "awaitingDirectorsException") // [{ kind: "askDirectorForException", key: "LNCIP-2026-0042:0:askDirectorForException" }]
 */
export function newCaseEffects(caseRef: string, status: CaseStatus): CaseEffect[] {
  return status === "awaitingDirectorsException" ? [{ kind: "askDirectorForException", key: `${caseRef}:0:askDirectorForException` }] : [];
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
  const po = row.PurchaseOrderNumber;
  const funding = row.FundingSources ?? [];
  const written = (v: string | undefined) => v !== undefined && v.trim() !== "";
  const recorded = (reason: string | undefined, by: string | undefined, at: string | undefined): RecordedBy | undefined =>
    reason && by ? { by, reason, at: at ?? "" } : undefined;
  return {
    caseRef: row.CaseRef,
    kind: row.RequestType === "inclusionForum" ? "inclusionForum" : "partnershipReferral",
    status: row.WorkflowStatus,
    named: row.Named,
    parentalConsent: row.ParentalConsent === true,
    keyStage: row.KeyStage,
    previousInclusionForumCase: row.PreviousIfCase,
    previousCaseRef: row.PreviousCaseRef,
    referralResponseId: row.ReferralResponseId,
    inclusionForumOverride: row.IfOverrideReason ? { by: row.IfOverrideBy ?? "", reason: row.IfOverrideReason, at: row.IfOverrideAt ?? "" } : undefined,
    // A reason typed in is the Director's request; it is the rules' only once the workflow has recorded who and when.
    exceptionRefused: recorded(row.ExceptionRefusedReason, row.ExceptionRefusedBy, row.ExceptionRefusedAt),
    extraPlace: recorded(row.ExtraPlaceReason, row.ExtraPlaceBy, row.ExtraPlaceAt),
    hasPlanDoReviewEvidence: written(row.ActionsTaken),
    hasExitStrategy: written(row.ExitStrategy),
    purchaseOrder:
      po && funding.length
        ? {
            number: po,
            fundingSources: funding,
            from: row.PoValidFrom,
            to: row.PoValidTo,
            sendTopUpPencePerYear: poundsAsPence(row.PoSendTopUp),
          }
        : undefined,
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
    IfOverrideAt: state.inclusionForumOverride?.at || undefined,
    PreviousCaseRef: state.previousCaseRef,
    ReferralResponseId: state.referralResponseId,
    ExceptionRefusedReason: state.exceptionRefused?.reason,
    ExceptionRefusedBy: state.exceptionRefused?.by,
    ExceptionRefusedAt: state.exceptionRefused?.at || undefined,
    ExtraPlaceReason: state.extraPlace?.reason,
    ExtraPlaceBy: state.extraPlace?.by,
    ExtraPlaceAt: state.extraPlace?.at || undefined,
    // The PO a referral brought into an Inclusion Forum case is written with the transition (left alone when none).
    ...(state.purchaseOrder
      ? {
          PurchaseOrderNumber: state.purchaseOrder.number,
          FundingSources: [...state.purchaseOrder.fundingSources],
          PoValidFrom: state.purchaseOrder.from,
          PoValidTo: state.purchaseOrder.to,
          PoSendTopUp: state.purchaseOrder.sendTopUpPencePerYear !== undefined ? state.purchaseOrder.sendTopUpPencePerYear / 100 : undefined,
        } as Partial<CasesRow>
      : {}),
    // An Inclusion Forum case taken on as a Partnership referral (convertToReferral) changes what it is.
    RequestType: state.kind,
    PreviousIfCase: state.previousInclusionForumCase,
  };
}
