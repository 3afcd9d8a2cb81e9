import type { PlacementEffects } from "../cases/caseEffects";
import { assignMeeting } from "../meetings/meetingAssignment";
import { cancelFutureReviews, syncReviews } from "../reviews/reviewSeries";
import type { PlacementPorts } from "./placementPorts";
import { createPlacement, endOpenPlacement } from "./placementLifecycle";
import { offerPlaceToNextWaitingCase, tellWaitingPosition } from "./waitingList";

/**
 * The state machine's placement, review and meeting effects, carried out against the lists and the calendar.
 * `cancelReviews` ends the case's open placement first (freeing its place) and then cancels its future reviews,
 * so the `offerPlaceToNextWaitingCase` that follows it finds the place free.
 *
 * @example
 * carryOutCaseEffects({ ...effectPorts, placementWork: placementEffects(placementPorts) }, decision.effects, row)
 */
export function placementEffects(ports: PlacementPorts): PlacementEffects {
  return {
    createPlacement: (caseRef, outcome, key) => createPlacement(ports, caseRef, outcome, key),
    tellWaitingPosition: (caseRef, keyStage, key) => tellWaitingPosition(ports, caseRef, keyStage, key),
    scheduleReviews: (caseRef) => syncReviews(ports, caseRef),
    cancelReviews: async (caseRef, reason) => {
      await endOpenPlacement(ports, caseRef);
      return cancelFutureReviews(ports, caseRef, reason);
    },
    offerPlaceToNextWaitingCase: (keyStage) => offerPlaceToNextWaitingCase(ports, keyStage),
    assignCoreGroupMeeting: (caseRef) => assignMeeting(ports, caseRef, "coreGroup"),
    assignInclusionForumMeeting: (caseRef) => assignMeeting(ports, caseRef, "inclusionForum"),
  };
}
