import { caseStatusLabel, caseStatuses, type CaseStatus } from "./caseStatus";
import type { CaseCommand, CaseCommandKind, CaseRuleViolation } from "./decide";
import type { PartnershipRole } from "./caseState";
import { allowedCommands } from "./allowedCommands";

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
  const command = statusEditCommand(before, after, who);
  if (command) return { ok: true, command };
  return { ok: false, error: { code: "notAllowedNow", message: `A case cannot be moved from "${caseStatusLabel(before)}" to "${caseStatusLabel(after)}" by editing its Status. ${whatCanComeNext(before)}` } };
}

/** The command a status edit means, when it is one step the rules know (whether the case's status allows it or not). */
function statusEditCommand(before: CaseStatus, after: CaseStatus, who: { by: string; at: string; reason?: string | undefined; role?: PartnershipRole | undefined }): CaseCommand | undefined {
  const base = { by: who.by, at: who.at };
  const reason = who.reason ?? "";
  const byRole = who.role ?? "other";
  if (before === "awaitingDirectorsException") {
    // Only the Director moves a case on from here: to triage (exception granted) or closed (refused, with the reason).
    if (after === "triage") return { ...base, kind: "grantDirectorsException", byRole, reason };
    if (after === "closed") return { ...base, kind: "refuseDirectorsException", byRole, reason };
  }
  switch (after) {
    case "triage":
      // After the Inclusion Forum, taking the case into triage is taking it on as a Partnership referral (the
      // forum it went to counts as its "IF first").
      if (before === "inclusionForumOutcome") return { ...base, kind: "convertToReferral" };
      return { ...base, kind: "triage" };
    case "awaitingInclusionForum":
      return { ...base, kind: "scheduleForInclusionForum" };
    case "readyForCoreGroup":
      if (before === "decided" || before === "closed" || before === "withdrawn" || before === "awaitingPo" || before === "waitingList") {
        return { ...base, kind: "reopen", reason };
      }
      return { ...base, kind: "markReadyForCoreGroup" };
    case "withdrawn":
      return { ...base, kind: "withdraw", reason };
    case "closed":
      return { ...base, kind: "close" };
    case "placed":
      if (before === "decided") return { ...base, kind: "startPlacement" };
      break;
    default:
      break;
  }
  return undefined;
}

/**
 * The statuses a coordinator can set a case's Status to from `status` in the Cases list: each one step the rules
 * allow (some only for the Director, or with a reason: see `whatCanComeNext`).
 *
 * @example
 * statusesToPick("triage").map(caseStatusLabel) // ["Awaiting Inclusion Forum", "Ready for Core Group", "Withdrawn"]
 * statusesToPick("closed").map(caseStatusLabel) // ["Ready for Core Group"]
 */
export function statusesToPick(status: CaseStatus): CaseStatus[] {
  return caseStatuses.filter((after) => after !== status && commandTo(status, after) !== undefined);
}

function commandTo(before: CaseStatus, after: CaseStatus): CaseCommandKind | undefined {
  const command = statusEditCommand(before, after, { by: "", at: "", role: "director", reason: "given" });
  return command && allowedCommands[before].includes(command.kind) ? command.kind : undefined;
}

/** What a status pick needs beyond the pick itself, in the column names the coordinator sees. */
const pickNeeds: Partial<Record<CaseCommandKind, string>> = {
  reopen: "to reopen it, with the Reason for reopening",
  withdraw: "with the reason, in Reason for reopening",
  grantDirectorsException: "the Director only",
  refuseDirectorsException: "the Director only, with the reason",
};

/** How a case moves on from a status other than by its Status column: what a person records, and where. */
const otherwaysOn: Partial<Record<CaseStatus, string>> = {
  awaitingDirectorsException: "the Director's Inclusion Forum override reason",
  awaitingInclusionForum: "the Inclusion Forum's outcome, on the forum's agenda card in Teams",
  inclusionForumOutcome: "a named Partnership referral from the school giving it as the Inclusion Forum case",
  triage: "the Director's Inclusion Forum override reason",
  readyForCoreGroup: "the Core Group's decision, on its card in Teams or as the Core Group outcome in the case",
  awaitingPo: "a PO number and funding from the school",
  waitingList: "a place, offered by the app when one is freed, or the Director's approval of one more place",
  placed: "the end of its placement: the placement set to Ended, with its exit route, in the Placements list",
};

/**
 * What a coordinator can do next with a case in `status`, in the words of the Cases list: the statuses they can
 * pick (as labels), and what else moves it on. Every refusal of a status edit ends with it.
 *
 * @example
 * whatCanComeNext("decided")
 * // 'From "Decided" its Status can be set to "Ready for Core Group" (to reopen it, with the Reason for reopening), "In placement", "Closed" or "Withdrawn" (with the reason, in Reason for reopening).'
 * whatCanComeNext("awaitingPo")
 * // 'From "Awaiting PO" its Status can be set to "Ready for Core Group" (to reopen it, with the Reason for reopening) or "Withdrawn" (with the reason, in Reason for reopening). It also moves on with a PO number and funding from the school.'
 */
export function whatCanComeNext(status: CaseStatus): string {
  const picks = statusesToPick(status).map((after) => {
    const needs = pickNeeds[commandTo(status, after) as CaseCommandKind];
    return `"${caseStatusLabel(after)}"${needs ? ` (${needs})` : ""}`;
  });
  const from = `From "${caseStatusLabel(status)}"`;
  const statusPart = picks.length ? `${from} its Status can be set to ${orList(picks)}.` : `${from} its Status cannot be changed by hand.`;
  const other = otherwaysOn[status];
  return other ? `${statusPart} It also moves on with ${other}.` : statusPart;
}

function orList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`;
}
