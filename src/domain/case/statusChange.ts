import { caseStatusLabel, type CaseStatus } from "./caseStatus";
import type { CaseCommand, CaseRuleViolation } from "./decide";

/**
 * A coordinator changed a case's Status in the SharePoint list from `before` to `after`: the command that
 * edit means, so it runs through the same rules as every other source. Edits the rules cannot express as one
 * step (say, Received straight to In placement) are refused, and the workflow puts the status back.
 *
 * @example
 * const by = "coordinator@lncip.example", at = "2026-11-23T10:00:00Z";
 * commandForStatusChange("triage", "readyForCoreGroup", { by, at }) // { ok: true, command: { kind: "markReadyForCoreGroup", ... } }
 * commandForStatusChange("inclusionForumOutcome", "triage", { by, at }) // { ok: true, command: { kind: "convertToReferral", ... } }
 * commandForStatusChange("received", "placed", { by, at })          // { ok: false, error: { code: "notAllowedNow", ... } }
 */
export function commandForStatusChange(
  before: CaseStatus,
  after: CaseStatus,
  who: { by: string; at: string; reason?: string | undefined },
): { ok: true; command: CaseCommand } | { ok: false; error: CaseRuleViolation } {
  const base = { by: who.by, at: who.at };
  const reason = who.reason ?? "";
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
