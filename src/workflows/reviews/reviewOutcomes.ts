import { londonDay, nextSchoolDay } from "../../domain/calendar";
import { schoolCalendarFromOverride } from "../../domain/reviews";
import type { ReviewsRow } from "../../domain/lists";
import { isReadable, type ItemRead, type WatchedColumns } from "../../m365/sharepoint/items";
import { returningToMainstream } from "../messages/schoolMessages";
import type { ListChangeHandler } from "../listChanges/processListChanges";
import { mailOnce, openPlacementOf, readCase, updatePlacement, type PlacementPorts } from "../placements/placementPorts";

/** The Reviews column whose change means something: the outcome. */
export const reviewsWatches: WatchedColumns<ReviewsRow> = { ReturnToMainstream: { column: "ReturnToMainstream", as: "text" } };

/**
 * Review outcomes recorded in the Reviews list. "Able to return to mainstream? Yes" starts the exit path once:
 * the return date (the home school's next school day after the review, or after today if later) is written to
 * the placement, the home school (SENCO and referrer) is told, and the placement is ended through the state
 * machine (`endPlacement`), whose effects cancel the future reviews with a message and offer the freed place
 * to the next waiting case. "Partly" and "Not yet" are kept as recorded; the series goes on.
 *
 * @example
 * await processListChanges(listPorts, reviewsHandler(ports))
 */
export function reviewsHandler(ports: PlacementPorts): ListChangeHandler<ReviewsRow> {
  return {
    items: ports.reviews,
    watches: reviewsWatches,
    async changed(_before, item) {
      await recordReviewOutcome(ports, item);
    },
  };
}

/**
 * Acts on one review item's outcome; see `reviewsHandler`. Returns the return date when the exit path ran.
 *
 * @example
 * await recordReviewOutcome(ports, reviewItem) // "2026-12-15" for a "Yes" at the review of 14 December
 */
export async function recordReviewOutcome(ports: PlacementPorts, item: ItemRead<ReviewsRow>): Promise<string | undefined> {
  if (!isReadable(item) || item.row.ReturnToMainstream !== "yes" || item.row.ReviewStatus === "cancelled") return undefined;
  const row = item.row;
  const found = await readCase(ports, row.CaseRef);
  const urn = found?.row.SchoolUrn;
  const school = urn ? await ports.schools.byUrn(urn) : undefined;
  const { source } = ports.partnershipCalendar;
  const { calendar } = schoolCalendarFromOverride(source, school?.CalendarOverride);
  const today = londonDay(ports.now());
  const from = row.DueDate > today ? row.DueDate : today;
  let returnDate: string;
  try {
    returnDate = nextSchoolDay(calendar, from);
  } catch {
    returnDate = from;
  }
  const open = await openPlacementOf(ports, row.CaseRef);
  if (open && !open.row.EndDate) await updatePlacement(ports, open, { EndDate: returnDate, ExitRoute: "homeSchool" });
  const end = open?.row.EndDate ?? returnDate;
  await mailOnce(ports, `mail:returnToMainstream:${row.ReviewKey}`, [school?.SencoEmail, found?.row.ReferrerEmail, ports.settings.COORDINATOR_EMAIL], returningToMainstream(row.CaseRef, row.Number, school?.SchoolName, end));
  const result = await ports.caseCommand(row.CaseRef, { kind: "endPlacement", exitRoute: "homeSchool", by: item.lastModifiedBy ?? "a coordinator", at: ports.now().toISOString() });
  if (!result.ok && result.code !== "notAllowedNow") ports.log(`${row.CaseRef}: the placement could not be ended (${result.message})`);
  return end;
}
