import type { CoreGroupPanelRow, MeetingsRow } from "../../domain/lists";
import { isReadable, titleIs } from "../../m365/sharepoint/items";
import type { Panel } from "../../domain/coreGroup";
import type { CoreGroupPorts } from "./coreGroupPorts";

/** One meeting's panel, and the names of everyone on the list (to show who recorded a decision). */
export interface MeetingPanel {
  panel: Panel;
  nameOf(personId: string): string;
}

/**
 * The panel for a meeting, from the CoreGroupPanel list: every member with their school; the deputies named for
 * this meeting (a deputy row without a MeetingKey counts for no meeting); the chair from the meeting's Chair
 * column, else the CORE_GROUP_CHAIR setting, else the list's chair row. Rows a person edited into nonsense are left out (and logged by id).
 *
 * @example
 * const { panel } = await meetingPanel(ports, meeting)
 * panel.chairId // "user-id-0"
 */
export async function meetingPanel(ports: Pick<CoreGroupPorts, "panel" | "quorumSchools" | "defaultChairId" | "log">, meeting: MeetingsRow | undefined): Promise<MeetingPanel> {
  const rows: CoreGroupPanelRow[] = [];
  for (const item of await ports.panel.readAll()) {
    if (isReadable(item)) rows.push(item.row);
    else ports.log(`CoreGroupPanel item ${item.id} cannot be read (${item.problems.length} problem(s)); it is left out of the panel`);
  }
  const members = rows.filter((r) => r.Role === "member" && r.SchoolUrn).map((r) => ({ id: r.MemberId, schoolUrn: r.SchoolUrn!, name: r.MemberName }));
  const deputies = rows
    .filter((r) => r.Role === "deputy" && r.DeputyFor && meeting && r.MeetingKey === meeting.MeetingKey)
    .map((r) => ({ for: r.DeputyFor!, deputy: { id: r.MemberId, name: r.MemberName } }));
  const chairId = meeting?.Chair?.trim() || ports.defaultChairId || rows.find((r) => r.Role === "chair")?.MemberId || "";
  const names = new Map(rows.map((r) => [r.MemberId, r.MemberName]));
  return { panel: { members, deputies, chairId, quorumSchools: ports.quorumSchools }, nameOf: (id) => names.get(id) ?? id };
}

/**
 * A meeting by its key, from the Meetings list.
 *
 * @example
 * (await meetingByKey(ports, "CG-2026-12-03"))?.Date // "2026-12-03"
 */
export async function meetingByKey(ports: Pick<CoreGroupPorts, "meetings">, key: string | undefined): Promise<MeetingsRow | undefined> {
  if (!key) return undefined;
  return (await ports.meetings.all({ filter: titleIs(key) })).find((item) => item.row.MeetingKey === key)?.row;
}

/** Every meeting of a kind, earliest first. */
export async function meetingsOfKind(ports: Pick<CoreGroupPorts, "meetings">, kind: MeetingsRow["Kind"]): Promise<MeetingsRow[]> {
  const out = (await ports.meetings.all()).map((item) => item.row).filter((row) => row.Kind === kind);
  return out.sort((a, b) => `${a.Date}${a.StartTime}`.localeCompare(`${b.Date}${b.StartTime}`));
}
