import type { CaseStatus } from "./caseStatus";
import type { CoreGroupOutcome } from "./outcomes";
import type { KeyStage } from "../referral/keyStage";

/**
 * What a transition asks the workflows to do. Each carries an idempotency key made of the case reference, the
 * transition's number and the effect's name, so carrying out the same transition twice (a retried message)
 * asks for exactly the same effects, which the workflows then do once.
 */
export type CaseEffect = { key: string } & (
  | { kind: "notifyPartnershipSenco"; about: "newCase" | "linkedSubmission" | "overrideRecorded" }
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
  | { kind: "audit"; from: CaseStatus; to: CaseStatus; by: string; at: string; action: string; source?: "teams" | "sharepoint" }
);

export type CaseEffectKind = CaseEffect["kind"];
