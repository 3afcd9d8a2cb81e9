import type { CoreGroupOutcome } from "../../domain/case/outcomes";
import { londonDay } from "../../domain/calendar";
import { newPlacement } from "../../domain/placement";
import { placementCouldNotStart, placementIsSetUp } from "../messages/coordinatorMessages";
import { mailOnce, openPlacementOf, placementsOf, readCase, updatePlacement, type PlacementPorts, type PlacementRecord } from "./placementPorts";
import { syncReviews } from "../reviews/reviewSeries";
import { placeHeld } from "./places";
import type { ListItem } from "../../m365/sharepoint/items";
import type { PlacementsRow } from "../../domain/lists";

/*
 * A placement's life in the Placements list: set up for a decided case, given up when a decision at the same moment
 * took the last place, started (the case goes "In placement"), ended. (The pure rules of a new placement — its
 * pattern, its start, its warnings — are src/domain/placement/placementSetUp.ts.)
 */

const placesPorts = (ports: PlacementPorts) => ({ placements: ports.placements, places: ports.settings.placesPerKeyStage });

/**
 * Creates a decided case's placement in the Placements list, once: the usual weekly pattern for its year group
 * and outcome, a start a few school days ahead (PLACEMENT_START_SCHOOL_DAYS), the default attendance basis, the
 * PO, and the unregistered-provider warning when the pupil has an EHCP or is in care (the Coordinator is told).
 * A repeat — the same effect again, or after a crash — finds the case's open placement and makes no other.
 *
 * @example
 * await createPlacement(ports, "LNCIP-2026-0042", "programmeManagementPartTime", "LNCIP-2026-0042:4:createPlacement")
 * // the Placements item's id; again → the same id, nothing new
 */
export async function createPlacement(ports: PlacementPorts, caseRef: string, outcome: CoreGroupOutcome, key: string): Promise<string | undefined> {
  const found = await readCase(ports, caseRef);
  if (!found) {
    ports.log(`${caseRef}: no readable case item, so no placement was set up`);
    return undefined;
  }
  const r = found.row;
  const { calendar } = ports.partnershipCalendar;
  let created: ListItem<PlacementsRow> | undefined;
  const { result } = await ports.ledger.once(
    `placement:${key}`,
    async () => {
      const open = await openPlacementOf(ports, caseRef);
      if (open) return { id: open.item.id, warning: open.row.UnregisteredProviderWarning };
      const placement = newPlacement(
        calendar,
        {
          caseRef,
          keyStage: r.KeyStage,
          yearGroup: r.YearGroup ?? (r.KeyStage === "KS3" ? 8 : 10),
          outcome,
          ehcp: r.SendStatus === "ehcp",
          lookedAfter: r.LookedAfter === true,
          purchaseOrderNumber: r.PurchaseOrderNumber ?? "",
          schoolUrn: r.SchoolUrn,
        },
        {
          today: londonDay(ports.now()),
          leadSchoolDays: ports.settings.PLACEMENT_START_SCHOOL_DAYS,
          basis: ports.settings.DEFAULT_ATTENDANCE_BASIS,
          provider: { id: "default-ap", name: ports.settings.AP_PROVIDER_NAME, registered: ports.settings.AP_PROVIDER_REGISTERED },
        },
      );
      created = await ports.placements.create({
        CaseRef: caseRef,
        KeyStage: placement.keyStage,
        Pattern: JSON.stringify(placement.pattern),
        StartDate: placement.startDate,
        AttendanceBasis: placement.attendanceBasis,
        PurchaseOrderNumber: placement.purchaseOrderNumber,
        PlacementStatus: "settingUp",
        UnregisteredProviderWarning: placement.unregisteredProviderWarning,
        SchoolUrn: placement.schoolUrn,
        ChargeToDatePence: 0,
      });
      return { id: created.id, warning: placement.unregisteredProviderWarning };
    },
    { alreadyDone: async () => { const open = await openPlacementOf(ports, caseRef); return open && { id: open.item.id, warning: open.row.UnregisteredProviderWarning }; } },
  );
  // Set up beyond the places by a decision at the same moment: it will give the place up (see giveUpPlaceTakenMeanwhile).
  if ((await placeHeld(placesPorts(ports), r.KeyStage, result.id)) === false) return result.id;
  // Holding its place (a placement set up later never takes it), the new placement leaves its change handler
  // nothing to do: its notification is recognised as the app's own write.
  if (created) await ports.rememberWrite?.(created);
  await mailOnce(ports, `mail:placementSetUp:${key}`, [ports.settings.COORDINATOR_EMAIL], placementIsSetUp(caseRef, r.KeyStage, result.warning));
  return result.id;
}

/**
 * Two decisions at the same moment can each find the key stage's last place free and set up a placement. The open
 * placements of a key stage hold its places in the order they were set up (SharePoint item ids only grow), so the
 * one set up later always sees the earlier one: beyond the places and not started, it gives the place up — the
 * case goes to the waiting list at its decision's time (`waitForPlace`, the Coordinator told its position) and the
 * placement is removed. Run for a new placement (the Placements list's change handler); a repeat finds the case
 * already waiting and the placement gone.
 *
 * @example
 * await giveUpPlaceTakenMeanwhile(ports, record) // true: KS3's last place went to the placement set up just before
 */
export async function giveUpPlaceTakenMeanwhile(ports: PlacementPorts, record: PlacementRecord): Promise<boolean> {
  if (record.row.PlacementStatus !== "settingUp" || (await placeHeld(placesPorts(ports), record.row.KeyStage, record.item.id)) !== false) return false;
  const caseRef = record.row.CaseRef;
  const result = await ports.caseCommand(caseRef, { kind: "waitForPlace", by: "system", at: ports.now().toISOString() });
  if (!result.ok && result.code !== "notAllowedNow") throw new Error(`${caseRef}: could not put the case on the waiting list after its place was taken: ${result.message}`);
  await ports.placements.delete(record.item.id);
  ports.log(`${caseRef}: the last ${record.row.KeyStage} place went to a decision made at the same moment; the case waits for the next place`);
  return true;
}

/**
 * Starts a placement (the Coordinator set it Active, or its start date came): the case moves to "In placement"
 * through the state machine, whose `scheduleReviews` effect puts the reviews in Outlook. A start the rules
 * refuse (no PO, no place) puts the placement back to "Setting up" and tells the Coordinator why.
 *
 * @example
 * await startPlacement(ports, record) // "started" | "alreadyStarted" | "refused"
 */
export async function startPlacement(ports: PlacementPorts, record: PlacementRecord): Promise<"started" | "alreadyStarted" | "refused"> {
  const caseRef = record.row.CaseRef;
  if (record.row.PlacementStatus !== "active") await updatePlacement(ports, record, { PlacementStatus: "active" });
  const result = await ports.caseCommand(caseRef, { kind: "startPlacement", by: "system", at: ports.now().toISOString() });
  if (result.ok) return result.changed ? "started" : "alreadyStarted";
  const found = await readCase(ports, caseRef);
  if (found?.row.WorkflowStatus === "placed") {
    await syncReviews(ports, caseRef); // started before: make sure its reviews match the placement as it is now
    return "alreadyStarted";
  }
  const fresh = (await placementsOf(ports, caseRef)).find((p) => p.item.id === record.item.id);
  if (fresh) await updatePlacement(ports, fresh, { PlacementStatus: "settingUp" });
  await mailOnce(ports, `mail:startRefused:${caseRef}:${record.item.id}:${result.code}`, [ports.settings.COORDINATOR_EMAIL], placementCouldNotStart(caseRef, result.message));
  return "refused";
}

/**
 * Ends a case's open placement in the Placements list (its end date today unless one is set), which frees its
 * place for the capacity the rules check. Idempotent: an ended placement is left as it is.
 *
 * @example
 * await endOpenPlacement(ports, "LNCIP-2026-0042") // the placement's end date
 */
export async function endOpenPlacement(ports: PlacementPorts, caseRef: string): Promise<string | undefined> {
  const open = await openPlacementOf(ports, caseRef);
  if (!open) return (await placementsOf(ports, caseRef))[0]?.row.EndDate;
  const today = londonDay(ports.now());
  const end = open.row.EndDate ?? (today < open.row.StartDate ? open.row.StartDate : today);
  await updatePlacement(ports, open, { PlacementStatus: "ended", EndDate: end });
  return end;
}
