import { authorize, type Role } from "../../domain/access";
import type { CaseCommand, PartnershipRole } from "../../domain/case";
import type { CasesRow, RowChanges } from "../../domain/lists";
import type { Editor as VersionEditor, ItemVersion, ListItem } from "../../m365/sharepoint/items";
import type { Identified, PeopleDirectory } from "../people/peopleDirectory";

/** Who an edit is refused to, to be told, and for the audit. */
export interface Editor {
  label: string;
  email?: string | undefined;
}

export type EditAuthorization = { ok: true; command: CaseCommand; editor: Editor } | { ok: false; message: string; editor: Editor };

/** The case rules' view of a person's roles (the state machine refuses what the role may not do). */
function partnershipRole(roles: readonly Role[]): PartnershipRole {
  if (roles.includes("director")) return "director";
  if (roles.includes("coordinator")) return "coordinator";
  if (roles.includes("partnershipSenco")) return "senco";
  if (roles.includes("coreGroupChair")) return "chair";
  return "other";
}

const editorOf = (who: Identified): Editor => ({ label: who.label, email: who.kind === "person" ? who.email : undefined });

/**
 * Authorises the command a person's edit of a case item asks for, on the item version's editor (`lastModifiedBy`:
 * object id first, then email) and the permission table (channel `sharepointEdit`), then fills in what only the app
 * may write: who did it (the editor's name and object id from the People list, never typed text), their role for the
 * rules, and for a Core Group decision recorded by a Coordinator the chair of the case's meeting, named.
 * `ask(who)` is the command the item's columns ask for, from that person.
 *
 * @example
 * // (illustrative)
 * await authorizeEdit(people, item, (who) => nextCommand(item.row, who))
 * // { ok: false, message: "Only the partnership Director can grant an exception to the Inclusion Forum first rule; your change to LNCIP-2026-0042 has been put back.", editor }
 */
export async function authorizeEdit(
  people: PeopleDirectory,
  item: ListItem<CasesRow>,
  ask: (who: { by: string; at: string; role: PartnershipRole }) => CaseCommand,
  app?: { id: string; versions(itemId: string): Promise<ItemVersion[]> },
): Promise<EditAuthorization> {
  const ref = item.row.CaseRef;
  const who = await people.editor(await personBehind(item, app), item.row.MeetingId);
  const editor = editorOf(who);
  const at = item.lastModified ?? new Date().toISOString();
  if (who.kind === "app") {
    // The app's own writes never ask for a transition: an edit it cannot attribute to a person is not applied.
    return { ok: false, editor, message: `The change to ${ref} could not be traced to a person of the partnership (the last version was saved by ${who.name}); it has been put back. Please make it again in SharePoint.` };
  }
  const command = ask({ by: who.label, at, role: partnershipRole(who.roles) });
  const allowed = authorize(who, command.kind, "sharepointEdit", ref);
  if (!allowed.ok) return { ok: false, editor, message: allowed.message };
  if (command.kind === "recordDecision" && !who.roles.includes("coreGroupChair")) {
    // Only the chair records a Core Group decision; a Coordinator may record one the meeting took, naming the chair.
    const chair = await people.chairOf(item.row.MeetingId);
    if (!chair) {
      return { ok: false, editor, message: `${ref} has no Core Group meeting with a chair to name, so its decision cannot be recorded; your change has been put back. Assign the case to its meeting (and the meeting's chair) first.` };
    }
    return { ok: true, editor, command: { ...command, by: `${chair.label}, recorded by ${who.label}` } };
  }
  return { ok: true, editor, command };
}

/**
 * Who made the edit the item asks to be applied: the version's editor, or — when the app itself wrote the latest
 * version (a meeting assigned, a submission linked) over a person's pending edit — the person who made the latest
 * version before the app's own (SharePoint's version history). Another application is never a person.
 */
export async function personBehind(item: Pick<ListItem<CasesRow>, "id" | "editor">, app?: { id: string; versions(itemId: string): Promise<ItemVersion[]> }): Promise<VersionEditor | undefined> {
  const ours = (e: VersionEditor | undefined) => e?.kind === "application" && !!app && e.id?.toLowerCase() === app.id.toLowerCase();
  if (!app || !ours(item.editor)) return item.editor;
  for (const version of await app.versions(item.id)) if (!ours(version.editor)) return version.editor;
  return item.editor;
}

/**
 * What putting back a refused edit writes: the status the workflow recorded, and the request columns the refused
 * command read (a decision, an override's reason, a PO, the Director's reasons) cleared when the workflow has not
 * recorded them, so the same request is not read again.
 *
 * @example
 * // (illustrative)
 * putBack(row) // { Status: "triage", IfOverrideReason: null }
 */
export function putBack(row: CasesRow): RowChanges<CasesRow> {
  const changes: RowChanges<CasesRow> = { Status: row.WorkflowStatus };
  if (row.WorkflowStatus === "readyForCoreGroup" && row.CoreGroupOutcome) Object.assign(changes, { CoreGroupOutcome: null, DecidedAt: null, DecidedBy: null });
  if (row.IfOverrideReason && !row.IfOverrideBy) changes.IfOverrideReason = null;
  if (row.ExceptionRefusedReason && !row.ExceptionRefusedBy) changes.ExceptionRefusedReason = null;
  if (row.ExtraPlaceReason && !row.ExtraPlaceBy) changes.ExtraPlaceReason = null;
  if (row.WorkflowStatus === "awaitingPo" && row.PurchaseOrderNumber !== undefined) Object.assign(changes, { PurchaseOrderNumber: null, FundingSources: null });
  return changes;
}
