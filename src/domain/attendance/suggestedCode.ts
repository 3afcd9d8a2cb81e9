import type { AttendanceBasis, PlacementLocation } from "../placement/attendanceBasis";
import type { SessionHappened } from "./session";

/**
 * What the partnership suggests the home school records for one session. The school decides its own mark;
 * where only the school can decide (an absence: authorised or not), the suggestion says so instead of
 * inventing a code.
 */
export type SuggestedCode =
  | { kind: "code"; code: "B" | "K" | "D" | "C2"; why: string }
  | { kind: "schoolDecides"; reasonGiven: string; why: string }
  | { kind: "homeSchoolMark"; why: string }
  | { kind: "notYetRecorded"; why: string };

export interface SessionReport {
  happened: SessionHappened | "notYetRecorded";
  /** Where the placement's weekly pattern expected the pupil this session. */
  expectedAt: PlacementLocation;
  reasonGiven?: string | undefined;
}

/**
 * The suggested home-school code for a session of a placement, given what happened and the placement's basis
 * (B when the school commissioned the provision, K when the local authority arranged it, D for dual
 * registration).
 *
 * - Attended, or late before the provider's register closed, at the centre or AP → the basis code (B, K or D):
 *   the pupil was in approved education off site. Lateness is reported in words; "L" is the home school's own
 *   code for lateness at school, so it is suggested only on a home-school day.
 * - Absent → no code: the reason given is passed on and the school decides (e.g. I or M authorised, O or G not).
 * - Not attending by arrangement on a day off site → C2, the agreed part-time timetable code.
 * - Expected at the home school → the school takes its own register.
 * - Nothing recorded yet → no code: the partnership is chasing the provider.
 *
 * @example
 * suggestedHomeSchoolCode({ happened: "attended", expectedAt: "alternativeProvision" }, "B") // { kind: "code", code: "B", ... }
 * suggestedHomeSchoolCode({ happened: "absent", expectedAt: "centre", reasonGiven: "ill" }, "B") // { kind: "schoolDecides", reasonGiven: "ill", ... }
 */
export function suggestedHomeSchoolCode(report: SessionReport, basis: AttendanceBasis): SuggestedCode {
  if (report.happened === "notYetRecorded") {
    return { kind: "notYetRecorded", why: "The provider has not recorded this session yet; the partnership is chasing it." };
  }
  if (report.expectedAt === "homeSchool") {
    return { kind: "homeSchoolMark", why: "The pupil was expected at the home school: use your own register." };
  }
  switch (report.happened) {
    case "attended":
      return { kind: "code", code: basis, why: basisWhy[basis] };
    case "late":
      return { kind: "code", code: basis, why: `${basisWhy[basis]} Arrived late (before the provider's register closed).` };
    case "absent":
      return {
        kind: "schoolDecides",
        reasonGiven: report.reasonGiven ?? "",
        why: "Absent from the placement. The school decides whether the absence is authorised, from the reason given.",
      };
    case "notAttendingByArrangement":
      return { kind: "code", code: "C2", why: "Not timetabled this session under the agreed part-time arrangement." };
  }
}

const basisWhy: Record<AttendanceBasis, string> = {
  B: "Attended provision the school commissioned (B).",
  K: "Attended provision the local authority arranged (K).",
  D: "Dual registered: the other school records this session (D, not a possible session for you).",
};
