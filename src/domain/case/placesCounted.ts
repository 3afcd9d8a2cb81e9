import type { CaseCommandKind } from "./decide";

/** The commands whose decision looks at the places taken (`CaseContext.activePlacements`): see `placeFree` in decide.ts. */
const countingPlaces: ReadonlySet<CaseCommandKind> = new Set<CaseCommandKind>(["recordDecision", "receivePurchaseOrder", "offerPlace", "startPlacement"]);

/**
 * Whether deciding a command counts the places taken, so the workflow need read the running placements only for
 * these (a case moved to triage or made ready for Core Group never asks). Unknown: counted.
 *
 * @example
 * commandCountsPlaces("recordDecision") // true
 * commandCountsPlaces("markReadyForCoreGroup") // false
 * commandCountsPlaces(undefined) // true
 */
export function commandCountsPlaces(kind: CaseCommandKind | undefined): boolean {
  return kind === undefined || countingPlaces.has(kind);
}
