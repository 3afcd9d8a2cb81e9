import type { KnownInclusionForumCase } from "../../domain/referral/inclusionForumCaseCheck";
import type { CasesRow } from "../../domain/lists";
import { isReadable, type ListItems } from "../../m365/sharepoint/items";
import type { OpenCaseIndex } from "../../m365/tables/openCases";
import { findCaseItem } from "../cases/findCase";

/**
 * What the partnership knows of the case a referral gives as its Inclusion Forum case, read from the Cases list
 * (whose school, heard or on a forum's agenda) and the open-case index (whether it is this pupil's own open case),
 * for the form's rule (`inclusionForumCaseProblem`). Undefined when there is no such case.
 *
 * @example
 * await knownInclusionForumCase(ports, "LNCIP-2026-0007", upn)
 * // { caseRef: "LNCIP-2026-0007", schoolUrn: "120345", heard: true, onForumAgenda: false, heldForThisPupil: false }
 */
export async function knownInclusionForumCase(
  ports: { cases: ListItems<CasesRow>; openCases: OpenCaseIndex },
  caseRef: string,
  upn: string | undefined,
): Promise<KnownInclusionForumCase | undefined> {
  const item = await findCaseItem(ports.cases, caseRef);
  if (!item) return undefined;
  // Only the workflow's own columns are looked at: a case a person's edit made unreadable elsewhere still counts.
  const row: Partial<CasesRow> = isReadable(item) ? item.row : item.readable;
  return {
    caseRef,
    schoolUrn: row.SchoolUrn,
    heard: row.InclusionForumOutcome !== undefined,
    onForumAgenda: row.WorkflowStatus === "awaitingInclusionForum" && !!row.MeetingId,
    heldForThisPupil: upn !== undefined && (await ports.openCases.find(upn)) === caseRef,
  };
}
