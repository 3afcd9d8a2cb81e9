import type { CaseStatus } from "./caseStatus";
import type { CoreGroupOutcome } from "./outcomes";
import type { KeyStage } from "../referral/keyStage";

/**
 * What a transition asks the workflows to do. Each carries an idempotency key made of the case reference, the
 * transition's number and the effect's name, so carrying out the same transition twice (a retried message)
 * asks for exactly the same effects, which the workflows then do once.
 */
export type CaseEffect = { key: string } & (
  | { kind: "notifyPartnershipSenco"; about: "newCase" | "linkedSubmission" | "overrideRecorded" | "referralContinuesCase" }
  /** Email the Director a link to the case (never its details): a Partnership referral came with no Inclusion Forum case. */
  | { kind: "askDirectorForException" }
  /**
   * Write the named referral's answers (plan-do-review evidence, exit strategy, support requested, PO and its period,
   * DSL) from its stored submission into the case item, which becomes a Partnership referral.
   */
  | { kind: "writeReferralIntoCase"; responseId: string }
  /** The case no longer holds its pupil: remove the pupil's entry from the open-case index if it still names this case. */
  | { kind: "releasePupil" }
  /** The case holds its pupil again (reopened): claim the pupil's entry in the open-case index for this case. */
  | { kind: "claimPupil" }
  | { kind: "postCoreGroupCard" }
  | { kind: "assignCoreGroupMeeting" }
  /** The next Inclusion Forum with room, and the presenting school invited to it (as for Core Group). */
  | { kind: "assignInclusionForumMeeting" }
  | { kind: "updateCoreGroupCard" }
  | { kind: "writeDecision"; outcome: CoreGroupOutcome; decidedBy: string; decidedAt: string; source: "teams" | "sharepoint" }
  | { kind: "requestPurchaseOrder" }
  | { kind: "addToWaitingList"; keyStage: KeyStage }
  | { kind: "tellCoordinatorWaitingPosition"; keyStage: KeyStage }
  | { kind: "createPlacement"; outcome: CoreGroupOutcome }
  | { kind: "scheduleReviews" }
  | { kind: "cancelReviews"; reason: string }
  | { kind: "offerPlaceToNextWaitingCase"; keyStage: KeyStage }
  | { kind: "emailSchool"; about: "decision" | "placementStarting" | "placementEnded" | "inclusionForumOutcome" | "withdrawn" }
  /** Tell the school the Director did not grant the exception, and why (the reason goes in the body, never the subject). */
  | { kind: "emailSchool"; about: "exceptionRefused"; reason: string }
  | { kind: "audit"; from: CaseStatus; to: CaseStatus; by: string; at: string; action: string; source?: "teams" | "sharepoint" }
  /**
   * Tell the Coordinator — and the editor, when they have an address — that an edit in the Cases list was put back,
   * and why: the rules refuse it, its editor may not make it, or it changed the workflow's own columns. Once per
   * edit (`editKey`, the item version put back); the message names the case and the rule, never the pupil.
   */
  | { kind: "tellEditPutBack"; why: "refused" | "notPermitted" | "workflowColumnsRestored"; message: string; editKey: string; editor?: { label: string; email?: string | undefined } }
);

export type CaseEffectKind = CaseEffect["kind"];
