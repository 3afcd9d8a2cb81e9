import { createHash } from "node:crypto";
import type { ListChangeHandler } from "../listChanges/processListChanges";
import { mailOnce, placementRecord, readCase, updatePlacement, type PlacementPorts, type PlacementRecord } from "./placementPorts";
import { unregisteredProviderOver18Hours } from "../messages/coordinatorMessages";
import { isReadable, type WatchedColumns } from "../../m365/sharepoint/items";
import type { PlacementsRow } from "../../domain/lists";
import { unregisteredProviderWarnings } from "../../domain/placement";
import { giveUpPlaceTakenMeanwhile, startPlacement } from "./placementLifecycle";
import { syncReviews } from "../reviews/reviewSeries";

/** The Placements columns whose change means something: status, dates and the pattern (by a hash of it). */
export const placementsWatches: WatchedColumns<PlacementsRow> = {
  PlacementStatus: { column: "PlacementStatus", as: "text" },
  StartDate: { column: "StartDate", as: "text" },
  EndDate: { column: "EndDate", as: "text" },
  Pattern: { column: "Pattern", as: "hash" },
};

/**
 * Coordinators' edits to the Placements list. Setting a placement Active starts it (the case goes "In placement"
 * and its reviews are put in Outlook); moving its start or end date or changing its pattern reschedules its
 * future reviews; setting it Ended ends the case's placement through the state machine (reviews cancelled, the
 * place offered to the next waiting case). The app's own writes come back here too and find nothing to do.
 *
 * @example
 * await processListChanges(listPorts, placementsHandler(ports))
 */
export function placementsHandler(ports: PlacementPorts): ListChangeHandler<PlacementsRow> {
  return {
    items: ports.placements,
    watches: placementsWatches,
    async changed(_before, item) {
      if (!isReadable(item)) return ports.log(`Placements item ${item.id} cannot be read (${item.problems.length} problem(s)); a coordinator must correct it`);
      const record = placementRecord(item);
      const caseRef = record.row.CaseRef;
      if (await giveUpPlaceTakenMeanwhile(ports, record)) return;
      await checkUnregisteredProvider(ports, record);
      if (record.row.PlacementStatus === "active") {
        const found = await readCase(ports, caseRef);
        if (found?.row.WorkflowStatus !== "placed") {
          await startPlacement(ports, record);
          return;
        }
        await syncReviews(ports, caseRef);
      } else if (record.row.PlacementStatus === "ended") {
        const result = await ports.caseCommand(caseRef, { kind: "endPlacement", exitRoute: record.row.ExitRoute ?? "homeSchool", by: item.lastModifiedBy ?? "a coordinator", at: ports.now().toISOString() });
        if (!result.ok) await syncReviews(ports, caseRef, "this review is cancelled: the placement has ended.");
      }
    },
  };
}

/**
 * A pattern the Coordinator edited may put a pupil with an EHCP or in care at an unregistered provider for more
 * than 18 hours a week: the placement's warning is kept in step with its pattern, and the Coordinator told once
 * per new warning.
 */
async function checkUnregisteredProvider(ports: PlacementPorts, record: PlacementRecord): Promise<void> {
  if (!record.pattern || record.row.PlacementStatus === "ended") return;
  const found = await readCase(ports, record.row.CaseRef);
  if (!found) return;
  const warnings = unregisteredProviderWarnings(record.pattern, { ehcp: found.row.SendStatus === "ehcp", lookedAfter: found.row.LookedAfter === true });
  const warning = warnings.length ? warnings.map((w) => w.message).join(" ") : undefined;
  if (warning === record.row.UnregisteredProviderWarning) return;
  await updatePlacement(ports, record, { UnregisteredProviderWarning: warning ?? null });
  if (warning) {
    await mailOnce(ports, `mail:unregistered:${record.item.id}:${createHash("sha256").update(warning).digest("hex").slice(0, 16)}`, [ports.settings.COORDINATOR_EMAIL], unregisteredProviderOver18Hours(record.row.CaseRef, warning));
  }
}
