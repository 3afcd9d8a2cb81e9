import type { CaseStatus } from "./caseStatus";
import type { CaseCommandKind } from "./decide";

/**
 * Which commands each status accepts (the rules in `decide` may still refuse one). A module of its own so that the
 * status edits (`statusChange`) and the rules (`decide`) can both read it.
 *
 * @example
 * allowedCommands.awaitingPo.includes("receivePurchaseOrder") // true
 * allowedCommands.closed // ["reopen"]
 */
export const allowedCommands: Record<CaseStatus, readonly CaseCommandKind[]> = {
  received: ["triage", "scheduleForInclusionForum", "recordInclusionForumOverride", "markReadyForCoreGroup", "receivePurchaseOrder", "continueAsReferral", "withdraw"],
  awaitingDirectorsException: ["grantDirectorsException", "refuseDirectorsException", "recordInclusionForumOverride", "scheduleForInclusionForum", "receivePurchaseOrder", "withdraw"],
  awaitingInclusionForum: ["recordInclusionForumOutcome", "receivePurchaseOrder", "continueAsReferral", "withdraw"],
  inclusionForumOutcome: ["convertToReferral", "continueAsReferral", "scheduleForInclusionForum", "close", "withdraw"],
  triage: ["scheduleForInclusionForum", "recordInclusionForumOutcome", "recordInclusionForumOverride", "markReadyForCoreGroup", "receivePurchaseOrder", "withdraw"],
  readyForCoreGroup: ["recordDecision", "recordInclusionForumOutcome", "recordInclusionForumOverride", "approveExtraPlace", "receivePurchaseOrder", "withdraw"],
  decided: ["recordDecision", "startPlacement", "waitForPlace", "receivePurchaseOrder", "reopen", "close", "withdraw"],
  awaitingPo: ["recordDecision", "approveExtraPlace", "receivePurchaseOrder", "reopen", "withdraw"],
  waitingList: ["recordDecision", "offerPlace", "approveExtraPlace", "receivePurchaseOrder", "reopen", "withdraw"],
  placed: ["recordDecision", "endPlacement", "withdraw"],
  closed: ["reopen"],
  withdrawn: ["reopen"],
};
