import type { KeyStage } from "../referral/keyStage";
import type { CaseStatus } from "./caseStatus";
import type { CoreGroupOutcome, InclusionForumOutcome } from "./outcomes";

export type CaseKind = "inclusionForum" | "partnershipReferral";
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
  inclusionForumOverride?: { by: string; reason: string; at: string } | undefined;
  purchaseOrder?: { number: string; fundingSources: readonly string[] } | undefined;
  inclusionForumOutcome?: InclusionForumOutcome | undefined;
  decision?: RecordedDecision | undefined;
  /** When the case joined the waiting list: the list is served in this order. */
  waitingSince?: string | undefined;
  /** Counts transitions: effects of the n-th transition carry n in their keys, so a retry repeats the same keys. */
  version: number;
}
