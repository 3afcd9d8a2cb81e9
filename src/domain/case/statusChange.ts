import { caseStatusLabel, type CaseStatus } from "./caseStatus";
import type { CaseCommand, CaseRuleViolation } from "./decide";
import type { PartnershipRole } from "./caseState";

/**
 * A coordinator changed a case's Status in the SharePoint list from `before` to `after`: the command that
 * edit means, so it runs through the same rules as every other source. Edits the rules cannot express as one
 * step (say, Received straight to In placement) are refused, and the workflow puts the status back.
 *
 * @example
 * // (illustrative)
 * const by = "coordinator@lncip.example", at = "2026-11-23T10:00:00Z";
 * commandForStatusChange("triage", "readyForCoreGroup", { by, at }) // { ok: true, command: { kind: "markReadyForCoreGroup", ... } }
 * commandForStatusChange("inclusionForumOutcome", "triage", { by, at }) // { ok: true, command: { kind: "convertToReferral", ... } }
 * commandForStatusChange("received", "placed", { by, at })          // { ok: false, error: { code: "notAllowedNow", ... } }
 * commandForStatusChange("awaitingDirectorsException", "triage", { by, at, role: "director", reason }) // grantDirectorsException
 *
 * `role` is who made the edit as the workflow found them in the partnership's roles (the rules refuse what the role
 * may not do); `reason` is the reason column the edit goes with (Reason for reopening, or the Director's reason for
 * an exception refused).
 */
export function commandForStatusChange(
  before: CaseStatus,
  after: CaseStatus,
  who: { by: string; at: string; reason?: string | undefined; role?: PartnershipRole | undefined },
): { ok: true; command: CaseCommand } | { ok: false; error: CaseRuleViolation } {
  const base = { by: who.by, at: who.at };
  const reason = who.reason ?? "";
  const byRole = who.role ?? "other";
  if (before === "awaitingDirectorsException") {
    // Only the Director moves a case on from here: to triage (exception granted) or closed (refused, with the reason).
    if (after === "triage") return { ok: true, command: { ...base, kind: "grantDirectorsException", byRole, reason } };
    if (after === "closed") return { ok: true, command: { ...base, kind: "refuseDirectorsException", byRole, reason } };
  }
  switch (after) {
    case "triage":
      // After the Inclusion Forum, taking the case into triage is taking it on as a Partnership referral (the
      // forum it went to counts as its "IF first").
      if (before === "inclusionForumOutcome") return { ok: true, command: { ...base, kind: "convertToReferral" } };
      return { ok: true, command: { ...base, kind: "triage" } };
    case "awaitingInclusionForum":
      return { ok: true, command: { ...base, kind: "scheduleForInclusionForum" } };
    case "readyForCoreGroup":
      if (before === "decided" || before === "closed" || before === "withdrawn" || before === "awaitingPo" || before === "waitingList") {
        return { ok: true, command: { ...base, kind: "reopen", reason } };
      }
      return { ok: true, command: { ...base, kind: "markReadyForCoreGroup" } };
    case "withdrawn":
      return { ok: true, command: { ...base, kind: "withdraw", reason } };
    case "closed":
      return { ok: true, command: { ...base, kind: "close" } };
    case "placed":
      if (before === "decided") return { ok: true, command: { ...base, kind: "startPlacement" } };
      break;
    default:
      break;
  }
  return {
    ok: false,
    error: {
      code: "notAllowedNow",
      message: `A case cannot be moved from "${caseStatusLabel(before)}" to "${caseStatusLabel(after)}" by editing its status; that step is taken by the workflow (for example recording the Core Group decision).`,
    },
  };
}
