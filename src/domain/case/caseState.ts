import type { KeyStage } from "../referral/keyStage";
import type { CaseStatus } from "./caseStatus";
import type { CoreGroupOutcome, InclusionForumOutcome } from "./outcomes";

export type CaseKind = "inclusionForum" | "partnershipReferral";

/**
 * Who is asking, as the workflow found them in the partnership's roles (the role check itself is the workflow's):
 * the rules refuse a command a role may not give, in words a coordinator uses.
 */
export type PartnershipRole = "director" | "senco" | "coordinator" | "chair" | "other";

/** Who decided something the rules keep (the Director's exception, an extra place): who, when, why. */
export interface RecordedBy {
  by: string;
  at: string;
  reason: string;
}

/** A purchase order for the pupil's funding: its number, what it covers, its period and the SEND top-up it names. */
export interface PurchaseOrder {
  number: string;
  fundingSources: readonly string[];
  /** yyyy-MM-dd; the referral's date when the school gave none. */
  from?: string | undefined;
  /** yyyy-MM-dd; 31 August of the academic year when the school gave none. */
  to?: string | undefined;
  /** The SEND top-up named on the PO, in pence a year. */
  sendTopUpPencePerYear?: number | undefined;
}
export type DecisionSource = "teams" | "sharepoint";

export interface RecordedDecision {
  outcome: CoreGroupOutcome;
  decidedBy: string;
  decidedAt: string;
  source: DecisionSource;
}

/**
 * What the state machine knows of a case: its status and the facts its rules look at. No identity — only
 * whether the case is named — so the rules can never leak one.
 */
export interface CaseState {
  caseRef: string;
  kind: CaseKind;
  status: CaseStatus;
  /** The case carries the pupil's identity (given with parental consent); false for an anonymous IF case. */
  named: boolean;
  parentalConsent: boolean;
  keyStage: KeyStage;
  previousInclusionForumCase?: string | undefined;
  /** The pupil's case before this one (closed, withdrawn or its placement ended): a pupil may be referred again. */
  previousCaseRef?: string | undefined;
  /** The Forms response of the named referral that continued this Inclusion Forum case (`continueAsReferral`). */
  referralResponseId?: string | undefined;
  /** The Director's exception to "Inclusion Forum first" (granted). */
  inclusionForumOverride?: RecordedBy | undefined;
  /** The Director refused the exception: the case closed and the school was told why. */
  exceptionRefused?: RecordedBy | undefined;
  /** The Director approved one more place than the key stage's number for this case. */
  extraPlace?: RecordedBy | undefined;
  /** The case holds the school's evidence of plan-do-review (Actions taken) and its exit strategy. */
  hasPlanDoReviewEvidence?: boolean | undefined;
  hasExitStrategy?: boolean | undefined;
  purchaseOrder?: PurchaseOrder | undefined;
  inclusionForumOutcome?: InclusionForumOutcome | undefined;
  decision?: RecordedDecision | undefined;
  /** When the case joined the waiting list: the list is served in this order. */
  waitingSince?: string | undefined;
  /** Counts transitions: effects of the n-th transition carry n in their keys, so a retry repeats the same keys. */
  version: number;
}
