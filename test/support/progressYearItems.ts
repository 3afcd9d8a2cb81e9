import { casesList, placementsList, qualificationsList, reviewsList, toListFields, type CasesRow, type PlacementsRow, type ReviewsRow } from "../../src/domain/lists";
import { cases, placements, qualifications, reviews } from "./progressYear";

/** The hand-worked year as SharePoint items' `fields`, as Graph would return them (labels, Title). */
export function progressYearItems() {
  return {
    Cases: cases.map((c) => toListFields(casesList, { ...c, WorkflowStatus: c.Status, Named: true, WorkflowVersion: 3 } as unknown as CasesRow)),
    Placements: placements.map((p) => ({ fields: toListFields(placementsList, { Pattern: "{}", AttendanceBasis: "B", PurchaseOrderNumber: "PO-1", ...p } as PlacementsRow) })),
    Reviews: reviews.map((r) => toListFields(reviewsList, { ReviewKey: `${r.CaseRef}:review:${r.Number}`, AttendeesConfirmed: true, ...r } as ReviewsRow)),
    Qualifications: qualifications.map((q) => toListFields(qualificationsList, q)),
  };
}
