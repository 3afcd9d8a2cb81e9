import { createHash } from "node:crypto";
import type { ListChangeHandler } from "../listChanges/processListChanges";
import { mailOnce, placementRecord, readCase, updatePlacement, type PlacementPorts, type PlacementRecord } from "./placementPorts";
import { patternNotChanged, unregisteredProviderOver18Hours } from "../messages/coordinatorMessages";
import { isReadable, type WatchedColumns } from "../../m365/sharepoint/items";
import type { PlacementsRow } from "../../domain/lists";
import { patternEditProblems, providerHoursText, unregisteredProviderWarnings, type WeeklyPattern } from "../../domain/placement";
import { ACCEPTED_PATTERNS_SCOPE, giveUpPlaceTakenMeanwhile, rememberPattern, startPlacement } from "./placementLifecycle";
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
 * place offered to the next waiting case). A pattern edited into something that is not a week's pattern is put back
 * and the Coordinator told why. The app's own writes come back here too and find nothing to do.
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
      if (!(await checkPatternEdit(ports, record))) return; // put back: its own write comes back here
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
 * The Coordinator's best-fit edit of a placement's weekly pattern, checked (`patternEditProblems`: Monday to Friday,
 * each day with a setting, hours that add up, an AP day with its provider, part-time fewer than five days off site).
 * A good edit becomes the placement's accepted pattern, with its hours at each provider; one that is not is put back
 * to the last accepted pattern and the Coordinator told why, in words (once per edit). False when it was put back.
 */
async function checkPatternEdit(ports: PlacementPorts, record: PlacementRecord): Promise<boolean> {
  if (record.row.PlacementStatus === "ended") return true;
  const accepted = (await ports.state.get<WeeklyPattern>(ACCEPTED_PATTERNS_SCOPE, record.item.id))?.value;
  // The text as written (a parsed pattern would drop, say, a sixth day the Coordinator added).
  if (accepted && canonical(accepted) === canonical(parsedOrText(record.row.Pattern))) return true;
  const outcome = (await readCase(ports, record.row.CaseRef))?.row.CoreGroupOutcome;
  const checked = patternEditProblems(record.row.Pattern, outcome);
  if (checked.ok) {
    await rememberPattern(ports, record.item.id, checked.pattern);
    const hours = providerHoursText(checked.pattern).slice(0, 255) || undefined;
    if (hours !== record.row.ProviderHours) await updatePlacement(ports, record, { ProviderHours: hours ?? null });
    return true;
  }
  const edit = createHash("sha256").update(record.row.Pattern).digest("hex").slice(0, 16);
  await mailOnce(ports, `mail:patternRefused:${record.item.id}:${edit}`, [ports.settings.COORDINATOR_EMAIL], patternNotChanged(record.row.CaseRef, checked.problems, accepted !== undefined));
  if (!accepted) return true; // nothing to put back (set up before patterns were kept): the Coordinator corrects it
  await updatePlacement(ports, record, { Pattern: JSON.stringify(accepted), ProviderHours: providerHoursText(accepted).slice(0, 255) || null });
  return false;
}

function parsedOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A pattern as JSON with its keys in order, so two writings of the same week compare equal. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(",")}}`;
  return JSON.stringify(value);
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
