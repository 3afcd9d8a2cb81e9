import type { CoreGroupOutcome } from "../../domain/case/outcomes";
import { londonDay } from "../../domain/calendar";
import { purchaseOrderGap } from "../../domain/charges";
import type { CasesRow } from "../../domain/lists";
import { newPlacement, providerForPlacement, providerHoursText, standardPattern, unregisteredProviderProblems, type Provider, type WeeklyPattern } from "../../domain/placement";
import { placementCouldNotStart, placementIsSetUp } from "../messages/coordinatorMessages";
import { mailOnce, openPlacementNow, openPlacementOf, placementRecord, placementsOf, readCase, updatePlacement, type PlacementPorts, type PlacementRecord } from "./placementPorts";
import { syncReviews } from "../reviews/reviewSeries";
import { placeHeld } from "./places";
import { flagProviders, providersOf, runningPlacements } from "./providers";

/** Where each placement's last accepted weekly pattern is kept (a Coordinator's edit that is not one is put back to it). */
export const ACCEPTED_PATTERNS_SCOPE = "placementPatterns";

/** Stands in for a provider when the Providers list has none: the Coordinator chooses one (and is told so). */
const providerToChoose: Provider = { id: "to-be-chosen", name: "Provider to be chosen (the Providers list is empty)", registered: false };
import type { ListItem } from "../../m365/sharepoint/items";
import type { PlacementsRow } from "../../domain/lists";

/*
 * A placement's life in the Placements list: set up for a decided case, given up when a decision at the same moment
 * took the last place, started (the case goes "In placement"), ended. (The pure rules of a new placement — its
 * pattern, its start, its warnings — are src/domain/placement/placementSetUp.ts.)
 */

const placesPorts = (ports: PlacementPorts) => ({ placements: ports.placements, places: ports.settings.placesPerKeyStage });

/**
 * Creates a decided case's placement in the Placements list, once: the weekly pattern Core Group's decision sets
 * (part-time or full-time) for the pupil's year group, from the partnership's pattern table (PLACEMENT_PATTERNS, else
 * the offer's), its AP days with the first provider in the Providers list the placement could start with under the
 * unregistered-school rule (else the first, and the warning), the hours a week at each provider, a start a few
 * school days ahead (PLACEMENT_START_SCHOOL_DAYS), the default attendance basis and the PO. The Coordinator is told,
 * with any warning, and of checks due at its provider. A repeat — the same effect again, or after a crash — finds the
 * case's open placement and makes no other.
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
      const pupil = { ehcp: r.SendStatus === "ehcp", lookedAfter: r.LookedAfter === true };
      const yearGroup = r.YearGroup ?? (r.KeyStage === "KS3" ? 8 : 10);
      const providers = (await providersOf(ports)).map((p) => p.provider);
      const running = await runningPlacements(ports, caseRef);
      const provider = providerForPlacement(providers, (p) =>
        unregisteredProviderProblems({ caseRef, ...pupil, pattern: standardPattern(yearGroup, outcome, p, ports.settings.PLACEMENT_PATTERNS) }, running, providers),
      ) ?? providerToChoose;
      const placement = newPlacement(
        calendar,
        { caseRef, keyStage: r.KeyStage, yearGroup, outcome, ...pupil, purchaseOrderNumber: r.PurchaseOrderNumber ?? "", schoolUrn: r.SchoolUrn },
        { today: londonDay(ports.now()), leadSchoolDays: ports.settings.PLACEMENT_START_SCHOOL_DAYS, basis: ports.settings.DEFAULT_ATTENDANCE_BASIS, provider, patterns: ports.settings.PLACEMENT_PATTERNS },
      );
      const problems = unregisteredProviderProblems({ caseRef, ...pupil, pattern: placement.pattern }, running, providers);
      const warning = [...(provider === providerToChoose ? ["The Providers list has no provider: add the partnership's providers and choose one for the alternative provision days."] : []), ...problems].join(" ") || undefined;
      created = await ports.placements.create({
        CaseRef: caseRef,
        KeyStage: placement.keyStage,
        Pattern: JSON.stringify(placement.pattern),
        StartDate: placement.startDate,
        AttendanceBasis: placement.attendanceBasis,
        PurchaseOrderNumber: placement.purchaseOrderNumber,
        PlacementStatus: "settingUp",
        UnregisteredProviderWarning: warning?.slice(0, 1000),
        ProviderHours: providerHoursText(placement.pattern).slice(0, 255) || undefined,
        SchoolUrn: placement.schoolUrn,
        ChargeToDatePence: 0,
      });
      await rememberPattern(ports, created.id, placement.pattern);
      return { id: created.id, warning };
    },
    { alreadyDone: async () => { const open = await openPlacementNow(ports, caseRef); return open && { id: open.item.id, warning: open.row.UnregisteredProviderWarning }; } },
  );
  // Set up beyond the places by a decision at the same moment: it will give the place up (see giveUpPlaceTakenMeanwhile).
  if (!holdsExtraPlace(r) && (await placeHeld(placesPorts(ports), r.KeyStage, result.id)) === false) return result.id;
  // Holding its place (a placement set up later never takes it), the new placement leaves its change handler
  // nothing to do: its notification is recognised as the app's own write.
  if (created) await ports.rememberWrite?.(created);
  await mailOnce(ports, `mail:placementSetUp:${key}`, [ports.settings.COORDINATOR_EMAIL], placementIsSetUp(caseRef, r.KeyStage, result.warning));
  // The placement this invocation set up is in hand, as written: read only one set up before (a repeat).
  const setUp = created ? placementRecord(created) : (await placementsOf(ports, caseRef)).find((p) => p.item.id === result.id);
  if (setUp) await flagProviders(ports, [setUp], londonDay(ports.now()));
  return result.id;
}

/** The Director approved one more place than the key stage's number for this case: its placement holds it whatever the count. */
function holdsExtraPlace(row: Pick<CasesRow, "ExtraPlaceBy">): boolean {
  return row.ExtraPlaceBy !== undefined;
}

/**
 * Keeps a placement's last accepted weekly pattern in the app's own state: what a Coordinator's edit that is not a
 * pattern is put back to.
 *
 * @example
 * await rememberPattern(ports, "41", pattern)
 */
export async function rememberPattern(ports: Pick<PlacementPorts, "state">, placementId: string, pattern: WeeklyPattern): Promise<void> {
  await ports.state.put(ACCEPTED_PATTERNS_SCOPE, placementId, pattern);
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
  const found = await readCase(ports, caseRef);
  if (found && holdsExtraPlace(found.row)) return false; // the Director's extra place: beyond the number by decision
  const result = await ports.caseCommand(caseRef, { kind: "waitForPlace", by: "system", at: ports.now().toISOString() });
  if (!result.ok && result.code !== "notAllowedNow") throw new Error(`${caseRef}: could not put the case on the waiting list after its place was taken: ${result.message}`);
  await ports.placements.delete(record.item.id);
  ports.log(`${caseRef}: the last ${record.row.KeyStage} place went to a decision made at the same moment; the case waits for the next place`);
  return true;
}

/**
 * Starts a placement (the Coordinator set it Active, or its start date came): the case moves to "In placement"
 * through the state machine, whose `scheduleReviews` effect puts the reviews in Outlook. A start the rules
 * refuse (no PO, or one that does not cover the start; no place; an unregistered provider over its limits) puts the
 * placement back to "Setting up" and tells the Coordinator why.
 *
 * @example
 * await startPlacement(ports, record) // "started" | "alreadyStarted" | "refused"
 */
export async function startPlacement(ports: PlacementPorts, record: PlacementRecord): Promise<"started" | "alreadyStarted" | "refused"> {
  const caseRef = record.row.CaseRef;
  // No PO, no placement: the case's PO must cover the start (a new academic year needs a new one).
  const found = await readCase(ports, caseRef);
  const gap = found && found.row.WorkflowStatus !== "placed" ? purchaseOrderGapOf(found.row, record.row.StartDate > londonDay(ports.now()) ? record.row.StartDate : londonDay(ports.now())) : undefined;
  if (gap) {
    if (record.row.PlacementStatus !== "settingUp") await updatePlacement(ports, record, { PlacementStatus: "settingUp" });
    await mailOnce(ports, `mail:startRefused:${caseRef}:${record.item.id}:po:${found?.row.PurchaseOrderNumber ?? ""}`, [ports.settings.COORDINATOR_EMAIL], placementCouldNotStart(caseRef, gap));
    return "refused";
  }
  if (record.row.PlacementStatus !== "active") await updatePlacement(ports, record, { PlacementStatus: "active" });
  const result = await ports.caseCommand(caseRef, { kind: "startPlacement", by: "system", at: ports.now().toISOString() });
  if (result.ok) return result.changed ? "started" : "alreadyStarted";
  const now = await readCase(ports, caseRef);
  if (now?.row.WorkflowStatus === "placed") {
    await syncReviews(ports, caseRef); // started before: make sure its reviews match the placement as it is now
    return "alreadyStarted";
  }
  const fresh = (await placementsOf(ports, caseRef)).find((p) => p.item.id === record.item.id);
  if (fresh) await updatePlacement(ports, fresh, { PlacementStatus: "settingUp" });
  await mailOnce(ports, `mail:startRefused:${caseRef}:${record.item.id}:${result.code}`, [ports.settings.COORDINATOR_EMAIL], placementCouldNotStart(caseRef, result.message));
  return "refused";
}

/**
 * Why the case's purchase order does not cover a day, in words (see `purchaseOrderGap`); undefined when it does or
 * the case has none (the state machine refuses a start without one, in its own words).
 *
 * @example
 * purchaseOrderGapOf(row, "2027-09-06") // "PO-1 covers the 2026/27 academic year: the new academic year (2027/28) needs a new purchase order …"
 */
export function purchaseOrderGapOf(row: Pick<CasesRow, "PurchaseOrderNumber" | "PoValidFrom" | "PoValidTo">, day: string): string | undefined {
  if (row.PurchaseOrderNumber === undefined) return undefined;
  return purchaseOrderGap({ number: row.PurchaseOrderNumber, from: row.PoValidFrom, to: row.PoValidTo }, day);
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
