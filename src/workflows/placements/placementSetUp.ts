import type { CoreGroupOutcome } from "../../domain/case/outcomes";
import type { KeyStage } from "../../domain/referral/keyStage";
import { londonDay } from "../../domain/calendar";
import { newPlacement, waitingOrder, waitingPosition, type WaitingCase } from "../../domain/placement";
import { caseStatusLabels } from "../../domain/case/caseStatus";
import { escapeHtml } from "../../m365/outlook/mail";
import { mailOnce, openPlacementOf, placementsOf, readCase, updatePlacement, type PlacementPorts, type PlacementRecord } from "./placementPorts";
import { syncReviews } from "../reviews/reviewSeries";
import { placeHeld } from "./places";

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
      const created = await ports.placements.create({
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
  await mailOnce(
    ports,
    `mail:placementSetUp:${key}`,
    [ports.settings.COORDINATOR_EMAIL],
    `${caseRef}: placement set up (${r.KeyStage})`,
    `<p>A placement for <b>${escapeHtml(caseRef)}</b> is set up in the Placements list with the usual weekly pattern. Check its start date and pattern, then set its status to Active when the pupil starts (or it starts on its start date).</p>` +
      (result.warning ? `<p><b>Unregistered provider:</b> ${escapeHtml(result.warning)}</p>` : ""),
  );
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
 * The waiting list of a key stage, in the order it is served.
 *
 * @example
 * (await waitingList(ports, "KS3")).map((w) => w.caseRef) // ["LNCIP-2026-0050", "LNCIP-2026-0053"]
 */
export async function waitingList(ports: Pick<PlacementPorts, "cases">, keyStage: KeyStage): Promise<WaitingCase[]> {
  // Only the two columns the order needs are read: a case a person has made unreadable elsewhere keeps its turn.
  const items = await ports.cases.columns(["CaseRef", "WaitingSince"], { filter: `fields/Status eq '${caseStatusLabels.waitingList}' and fields/KeyStage eq '${keyStage}'` });
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
  await mailOnce(
    ports,
    key,
    [ports.settings.COORDINATOR_EMAIL],
    `${caseRef}: on the ${keyStage} waiting list${position ? ` (position ${position})` : ""}`,
    `<p>Every ${escapeHtml(keyStage)} place is taken: <b>${escapeHtml(caseRef)}</b> has joined the waiting list${position ? ` at position <b>${position}</b>` : ""}. It will be offered the next ${escapeHtml(keyStage)} place that is freed.</p>`,
  );
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
  await mailOnce(ports, `mail:startRefused:${caseRef}:${record.item.id}:${result.code}`, [ports.settings.COORDINATOR_EMAIL], `${caseRef}: the placement could not start`, `<p>${escapeHtml(result.message)}</p><p>The placement has been put back to "Setting up".</p>`);
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
