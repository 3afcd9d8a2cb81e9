import { caseStatusLabels, commandCountsPlaces, type CaseCommand, type CaseContext } from "../../domain/case";
import { odataString } from "../../m365/odata";
import type { CasesRow, PlacementsRow } from "../../domain/lists";
import { holdsPlace, placesLeft, placesTaken, type PlaceHolder } from "../../domain/places";
import type { KeyStage } from "../../domain/referral/keyStage";
import { isReadable, type ListItems } from "../../m365/sharepoint/items";
import { openPlacements } from "./placementPorts";
import { pupilOpenCase, type PupilIndexPorts } from "../cases/pupilIndex";

/** What counting places reads: the Placements list (and Cases, for the waiting list) and the places per key stage. */
export interface PlacesPorts {
  placements: ListItems<PlacementsRow>;
  cases: ListItems<CasesRow>;
  places: Readonly<Record<KeyStage, number>>;
}

/**
 * The placements holding places: those not ended, from the invocation's one read of them (`openPlacements`), each
 * counted on the three columns counting needs — an item unreadable elsewhere still holds its place.
 */
async function placeHolders(placements: ListItems<PlacementsRow>): Promise<PlaceHolder[]> {
  const holders: PlaceHolder[] = [];
  for (const item of await openPlacements({ placements })) {
    const { CaseRef, KeyStage, PlacementStatus } = isReadable(item) ? item.row : item.readable;
    if (CaseRef === undefined || KeyStage === undefined || PlacementStatus === undefined || PlacementStatus === "ended") continue;
    holders.push({ id: item.id, caseRef: CaseRef, keyStage: KeyStage, started: PlacementStatus === "active" });
  }
  return holders;
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
  const open = commandCountsPlaces(command) ? await placeHolders(ports.placements) : [];
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
  const open = await placeHolders(ports.placements);
  const waiting = await ports.cases.columns(["CaseRef"], { filter: `fields/Status eq ${odataString(caseStatusLabels.waitingList)} and fields/KeyStage eq ${odataString(keyStage)}` });
  return { placesLeft: placesLeft(ports.places, placesTaken(open), keyStage), waitingList: waiting.length };
}

/**
 * Whether the open placement `placementId` holds one of its key stage's places (the earliest set up hold them);
 * undefined when it is not open. Asked after the invocation set the placement up, it reads the list again (the
 * invocation's write let go of its earlier read): a placement set up at the same moment by another decision is seen.
 *
 * @example
 * await placeHeld(ports, "KS3", "41") // false: set up at the same moment as another decision's, and after it
 */
export async function placeHeld(ports: Pick<PlacesPorts, "placements" | "places">, keyStage: KeyStage, placementId: string): Promise<boolean | undefined> {
  const open = (await placeHolders(ports.placements)).filter((p) => p.keyStage === keyStage);
  return holdsPlace(open, placementId, ports.places[keyStage]);
}
