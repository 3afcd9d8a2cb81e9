import { londonDay, nextSchoolDay } from "../../domain/calendar";
import { schoolCalendarFromOverride } from "../../domain/reviews";
import { fromListFields, reviewsList } from "../../domain/lists";
import type { ListItem } from "../../m365/sharepoint/items";
import { escapeHtml } from "../../m365/outlook/mail";
import type { ListChangeHandler } from "../listChanges/processListChanges";
import { mailOnce, openPlacementOf, partnershipCalendar, readCase, updatePlacement, type PlacementPorts } from "../placements/placementPorts";

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
export function reviewsHandler(ports: PlacementPorts): ListChangeHandler {
  return {
    list: "Reviews",
    snapshot: (item) => ({ ReturnToMainstream: typeof item.fields.ReturnToMainstream === "string" ? item.fields.ReturnToMainstream : null }),
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
export async function recordReviewOutcome(ports: PlacementPorts, item: ListItem): Promise<string | undefined> {
  const parsed = fromListFields(reviewsList, item.fields);
  if (!parsed.ok || parsed.row.ReturnToMainstream !== "yes" || parsed.row.ReviewStatus === "cancelled") return undefined;
  const row = parsed.row;
  const found = await readCase(ports, row.CaseRef);
  const urn = typeof found?.row.SchoolUrn === "string" ? found.row.SchoolUrn : undefined;
  const school = urn ? await ports.schools.byUrn(urn) : undefined;
  const { source } = partnershipCalendar(ports);
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
  await mailOnce(
    ports,
    `mail:returnToMainstream:${row.ReviewKey}`,
    [school?.SencoEmail, typeof found?.row.ReferrerEmail === "string" ? found.row.ReferrerEmail : undefined, ports.settings.COORDINATOR_EMAIL],
    `${row.CaseRef}: returning to mainstream from ${end}`,
    `<p>Placement review ${row.Number} for case <b>${escapeHtml(row.CaseRef)}</b> found the pupil able to return to mainstream. The placement ends and the pupil returns to ${escapeHtml(school?.SchoolName ?? "the home school")} full time from <b>${escapeHtml(end)}</b>. The remaining reviews are cancelled.</p>`,
  );
  const result = await ports.caseCommand(row.CaseRef, { kind: "endPlacement", exitRoute: "homeSchool", by: item.lastModifiedBy ?? "a coordinator", at: ports.now().toISOString() });
  if (!result.ok && result.code !== "notAllowedNow") ports.log(`${row.CaseRef}: the placement could not be ended (${result.message})`);
  return end;
}
