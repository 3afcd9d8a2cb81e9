import { describe, expect, it } from "vitest";
import { meetingPanel } from "../../../src/workflows/coreGroup";
import type { CoreGroupPanelRow, MeetingsRow } from "../../../src/domain/lists";
import type { ItemRead, ListItems } from "../../../src/m365/sharepoint/items";

const rows: CoreGroupPanelRow[] = [
  { PanelKey: "m0", MemberId: "u0", MemberName: "Head 0", Role: "member", SchoolUrn: "120345" },
  { PanelKey: "m1", MemberId: "u1", MemberName: "Head 1", Role: "member", SchoolUrn: "120346" },
  { PanelKey: "c", MemberId: "u0", MemberName: "Head 0", Role: "chair" },
  { PanelKey: "d1", MemberId: "d1", MemberName: "Deputy 1", Role: "deputy", DeputyFor: "u1", MeetingKey: "CG-A" },
  { PanelKey: "d2", MemberId: "d2", MemberName: "Deputy 2", Role: "deputy", DeputyFor: "u1" },
];
const items: ItemRead<CoreGroupPanelRow>[] = [...rows.map((row, i) => ({ id: String(i), etag: "", row })), { id: "99", etag: "", problems: ["Role: Invalid option"], readable: { PanelKey: "broken" } }];
const panelList = { readAll: async () => items } as unknown as ListItems<CoreGroupPanelRow>;
const meeting = (key: string, chair?: string): MeetingsRow => ({ MeetingKey: key, Kind: "coreGroup", Date: "2026-12-03", StartTime: "16:00", AgendaSize: 6, Chair: chair });
const logged: string[] = [];
const ports = (defaultChairId?: string) => ({ panel: panelList, quorumSchools: 3, defaultChairId, log: (m: string) => void logged.push(m) });

describe("a meeting's Core Group panel, from the CoreGroupPanel list", () => {
  it("has every member with their school, and only the deputies named for this meeting", async () => {
    const { panel, nameOf } = await meetingPanel(ports(), meeting("CG-A"));
    expect(panel.members.map((m) => [m.id, m.schoolUrn])).toEqual([["u0", "120345"], ["u1", "120346"]]);
    expect(panel.deputies).toEqual([{ for: "u1", deputy: { id: "d1", name: "Deputy 1" } }]);
    expect((await meetingPanel(ports(), meeting("CG-B"))).panel.deputies).toEqual([]);
    expect(nameOf("d1")).toBe("Deputy 1");
    expect(nameOf("someone else")).toBe("someone else");
    expect(logged.some((l) => l.includes("CoreGroupPanel item 99"))).toBe(true);
  });

  it("takes the chair from the meeting, else the CORE_GROUP_CHAIR setting, else the list's chair row", async () => {
    expect((await meetingPanel(ports("u9"), meeting("CG-A", "u1"))).panel.chairId).toBe("u1");
    expect((await meetingPanel(ports("u9"), meeting("CG-A"))).panel.chairId).toBe("u9");
    expect((await meetingPanel(ports(), meeting("CG-A"))).panel.chairId).toBe("u0");
  });
});
