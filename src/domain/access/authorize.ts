import { roleLabels, type Role } from "./roles";
import { permissions, type AccessCommand, type Channel } from "./permissions";

/** Who is asking: a person with the roles the partnership's lists give them, or the app itself. */
export type Actor = { kind: "person"; roles: readonly Role[] } | { kind: "app" };

export type Authorization = { ok: true } | { ok: false; code: "notPermitted" | "unknownPerson"; message: string };

const channelWords: Record<Channel, string> = { sharepointEdit: "in SharePoint", teamsPress: "in Teams", endpoint: "through the app's endpoint" };

/**
 * Whether an actor may give a command by a channel, from the permission table; a refusal says who may, in the
 * users' words. With `caseRef` on a SharePoint edit it also says the change was put back (what the workflow does).
 *
 * @example
 * authorize({ kind: "person", roles: ["director"] }, "grantDirectorsException", "sharepointEdit") // { ok: true }
 * authorize({ kind: "person", roles: ["coreGroupMember"] }, "grantDirectorsException", "sharepointEdit", "LNCIP-2026-0042").ok // false
 * authorize({ kind: "person", roles: ["coordinator"] }, "grantDirectorsException", "sharepointEdit", "LNCIP-2026-0042").message
 * // "Only the partnership Director can grant an exception to the Inclusion Forum first rule; your change to LNCIP-2026-0042 has been put back."
 * authorize({ kind: "person", roles: [] }, "chooseChannel", "teamsPress").message
 * // "Only a partnership Coordinator can choose the Teams channel for the Core Group or the Inclusion Forum."
 * authorize({ kind: "app" }, "offerPlace", "sharepointEdit") // { ok: true }
 */
export function authorize(actor: Actor, command: AccessCommand, channel: Channel, caseRef?: string): Authorization {
  const permission = permissions[command];
  if (actor.kind === "app") {
    return permission.app ? { ok: true } : { ok: false, code: "notPermitted", message: `The app does not ${permission.does} by itself.` };
  }
  const allowed = permission.by[channel] ?? [];
  if (actor.roles.some((r) => allowed.includes(r))) return { ok: true };
  const putBack = caseRef && channel === "sharepointEdit" ? `; your change to ${caseRef} has been put back.` : ".";
  if (allowed.length === 0) {
    return { ok: false, code: "notPermitted", message: `Nobody can ${permission.does} ${channelWords[channel]}${putBack}` };
  }
  const who = allowed.map((r) => roleLabels[r]);
  const only = who.length === 1 ? who[0] : `${who.slice(0, -1).join(", ")} or ${who[who.length - 1]}`;
  return { ok: false, code: actor.roles.length === 0 ? "unknownPerson" : "notPermitted", message: `Only ${only} can ${permission.does}${putBack}` };
}
