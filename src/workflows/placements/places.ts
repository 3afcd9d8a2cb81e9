import { caseStatusLabels, commandCountsPlaces, type CaseCommand, type CaseContext } from "../../domain/case";
import { odataString } from "../../m365/odata";
import type { CasesRow, PlacementsRow } from "../../domain/lists";
import { holdsPlace, placesLeft, placesTaken, type PlaceHolder } from "../../domain/places";
import type { KeyStage } from "../../domain/referral/keyStage";
import type { ListItems } from "../../m365/sharepoint/items";
import { pupilOpenCase, type PupilIndexPorts } from "../cases/pupilIndex";

/** What counting places reads: the Placements list (and Cases, for the waiting list) and the places per key stage. */
export interface PlacesPorts {
  placements: ListItems<PlacementsRow>;
  cases: ListItems<CasesRow>;
  places: Readonly<Record<KeyStage, number>>;
}

/** The placements a filter finds that have not ended, read for counting (only the three columns it needs). */
async function openPlacements(placements: ListItems<PlacementsRow>, filter: string): Promise<PlaceHolder[]> {
  const items = await placements.columns(["CaseRef", "KeyStage", "PlacementStatus"], { filter });
  return items.filter((i) => i.row.PlacementStatus !== "ended").map((i) => ({ id: i.id, caseRef: i.row.CaseRef, keyStage: i.row.KeyStage, started: i.row.PlacementStatus === "active" }));
}

/**
 * What a command to a case is decided against: the places, and the placements holding them, not counting the case's
 * own (for `startPlacement`, only placements already started: see `placesTaken`); for `reopen`, the case that holds
 * the pupil now if it is another (a pupil referred again since); for `startPlacement`, why it would break the
 * unregistered-school rule (`startProblems`, given by the placements workflow). A command whose decision does not
 * count places (`commandCountsPlaces`) reads no placements.
 *
 * @example
 * await caseContext(ports, "LNCIP-2026-0042", "recordDecision") // { places: { KS3: 9, KS4: 26 }, activePlacements: { KS3: 9, KS4: 3 } }
 */
export async function caseContext(
  ports: Pick<PlacesPorts, "placements" | "places"> & { pupils?: Pick<PupilIndexPorts, "cases" | "openCases">; startProblems?: (caseRef: string) => Promise<readonly string[]> },
  caseRef: string | undefined,
  command: CaseCommand["kind"] | undefined,
): Promise<CaseContext> {
  const open = commandCountsPlaces(command) ? await openPlacements(ports.placements, `fields/PlacementStatus ne ${odataString("Ended")}`) : [];
  const context: CaseContext = { places: ports.places, activePlacements: placesTaken(open, { notCounting: caseRef, startedOnly: command === "startPlacement" }) };
  if (caseRef && command === "reopen" && ports.pupils) context.pupilOpenCase = await pupilOpenCase(ports.pupils, caseRef);
  if (caseRef && command === "startPlacement" && ports.startProblems) context.unregisteredProviderProblems = await ports.startProblems(caseRef);
  return context;
}

/**
 * A key stage's places left now and its waiting list's length, as the Core Group card shows them (the waiting list
 * read as `waitingList` reads it: the indexed Status and the key stage, one column).
 *
 * @example
 * await keyStagePlaces(ports, "KS3") // { placesLeft: 0, waitingList: 2 }
 */
export async function keyStagePlaces(ports: PlacesPorts, keyStage: KeyStage): Promise<{ placesLeft: number; waitingList: number }> {
  const open = await openPlacements(ports.placements, `fields/PlacementStatus ne ${odataString("Ended")}`);
  const waiting = await ports.cases.columns(["CaseRef"], { filter: `fields/Status eq ${odataString(caseStatusLabels.waitingList)} and fields/KeyStage eq ${odataString(keyStage)}` });
  return { placesLeft: placesLeft(ports.places, placesTaken(open), keyStage), waitingList: waiting.length };
}

/**
 * Whether the open placement `placementId` holds one of its key stage's places (the earliest set up hold them);
 * undefined when it is not open.
 *
 * @example
 * await placeHeld(ports, "KS3", "41") // false: set up at the same moment as another decision's, and after it
 */
export async function placeHeld(ports: Pick<PlacesPorts, "placements" | "places">, keyStage: KeyStage, placementId: string): Promise<boolean | undefined> {
  const open = await openPlacements(ports.placements, `fields/KeyStage eq ${odataString(keyStage)}`);
  return holdsPlace(open, placementId, ports.places[keyStage]);
}
