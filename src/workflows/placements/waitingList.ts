import type { KeyStage } from "../../domain/referral/keyStage";
import { odataString } from "../../m365/odata";
import { waitingOrder, waitingPosition, type WaitingCase } from "../../domain/placement";
import { caseStatusLabels } from "../../domain/case/caseStatus";
import { waitingListPosition } from "../messages/coordinatorMessages";
import { mailOnce, type PlacementPorts } from "./placementPorts";

/* A key stage's waiting list: who waits, in which order, and who is offered a place that is freed. */

/**
 * The waiting list of a key stage, in the order it is served.
 *
 * @example
 * (await waitingList(ports, "KS3")).map((w) => w.caseRef) // ["LNCIP-2026-0050", "LNCIP-2026-0053"]
 */
export async function waitingList(ports: Pick<PlacementPorts, "cases">, keyStage: KeyStage): Promise<WaitingCase[]> {
  // Only the two columns the order needs are read: a case a person has made unreadable elsewhere keeps its turn.
  const items = await ports.cases.columns(["CaseRef", "WaitingSince"], { filter: `fields/Status eq ${odataString(caseStatusLabels.waitingList)} and fields/KeyStage eq ${odataString(keyStage)}` });
  return waitingOrder(items.map((i) => ({ caseRef: i.row.CaseRef, waitingSince: i.row.WaitingSince ?? i.created ?? "" })));
}

/**
 * Tells the Coordinator a case has joined the waiting list, and where it stands (1 = next to be offered).
 *
 * @example
 * await tellWaitingPosition(ports, "LNCIP-2026-0050", "KS3", effect.key) // 2
 */
export async function tellWaitingPosition(ports: PlacementPorts, caseRef: string, keyStage: KeyStage, key: string): Promise<number | undefined> {
  const position = waitingPosition(await waitingList(ports, keyStage), caseRef);
  await mailOnce(ports, key, [ports.settings.COORDINATOR_EMAIL], waitingListPosition(caseRef, keyStage, position));
  return position;
}

/**
 * A place of this key stage was freed: offers it to the waiting cases in order (earliest WaitingSince first)
 * until one takes it. Idempotent by capacity: a repeat finds no free place, or offers a place truly free.
 *
 * @example
 * await offerPlaceToNextWaitingCase(ports, "KS3") // "LNCIP-2026-0050", or undefined when nobody waits
 */
export async function offerPlaceToNextWaitingCase(ports: PlacementPorts, keyStage: KeyStage): Promise<string | undefined> {
  for (const w of await waitingList(ports, keyStage)) {
    const result = await ports.caseCommand(w.caseRef, { kind: "offerPlace", by: "system", at: ports.now().toISOString() });
    if (result.ok) {
      ports.log(`${w.caseRef}: offered the freed ${keyStage} place`);
      return w.caseRef;
    }
    if (result.code === "noPlace") return undefined;
    ports.log(`${w.caseRef}: could not be offered a place (${result.message})`);
  }
  return undefined;
}

