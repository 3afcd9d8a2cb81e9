import type { CaseCommandKind } from "./decide";

/**
 * What each command does to a case, in the words of the people who ask for it: the end of "it cannot … now". A
 * message to a person names this, never the command (a coordinator picks statuses and records outcomes; they
 * never see `markReadyForCoreGroup`).
 *
 * @example
 * commandWords.markReadyForCoreGroup // "go to Core Group"
 * commandWords.receivePurchaseOrder  // "take a purchase order"
 */
export const commandWords: Record<CaseCommandKind, string> = {
  triage: "go into triage",
  scheduleForInclusionForum: "go to the Inclusion Forum",
  recordInclusionForumOutcome: "have an Inclusion Forum outcome recorded",
  convertToReferral: "be taken on as a Partnership referral",
  continueAsReferral: "take a Partnership referral into it",
  recordInclusionForumOverride: "have the Director's Inclusion Forum override recorded",
  grantDirectorsException: "be given the Director's exception to Inclusion Forum first",
  refuseDirectorsException: "have the Director's exception refused",
  approveExtraPlace: "have one more place approved",
  markReadyForCoreGroup: "go to Core Group",
  recordDecision: "have a Core Group decision recorded",
  receivePurchaseOrder: "take a purchase order",
  offerPlace: "be offered a place",
  waitForPlace: "join the waiting list",
  startPlacement: "start its placement",
  endPlacement: "end its placement",
  reopen: "be reopened",
  withdraw: "be withdrawn",
  close: "be closed",
};

/**
 * Where a pupil goes when a placement ends, as the Placements list's Exit route column shows it.
 *
 * @example
 * exitRouteLabels.post16 // "Post-16"
 */
export const exitRouteLabels = { homeSchool: "Home school", anotherSchool: "Another school", specialistPlacement: "Specialist placement", post16: "Post-16" } as const;
export type ExitRoute = keyof typeof exitRouteLabels;
