import { describe, expect, it } from "vitest";
import { isReminderDue, membersWithoutView, type Panel } from "../../../src/domain/coreGroup";
import { schoolCalendarFor, shippedCalendars } from "../../../src/domain/calendar";

const leicestershire = schoolCalendarFor(shippedCalendars.leicestershire!);

describe("when Core Group members are reminded", () => {
  it("from two school days before the meeting up to the meeting day", () => {
    expect(isReminderDue(leicestershire, "2026-12-03", "2026-11-30")).toBe(false);
    expect(isReminderDue(leicestershire, "2026-12-03", "2026-12-01")).toBe(true);
    expect(isReminderDue(leicestershire, "2026-12-03", "2026-12-03")).toBe(true);
    expect(isReminderDue(leicestershire, "2026-12-03", "2026-12-04")).toBe(false);
  });

  it("counts school days, not calendar days: a Monday meeting is reminded from the Thursday before", () => {
    expect(isReminderDue(leicestershire, "2026-12-07", "2026-12-03")).toBe(true);
    expect(isReminderDue(leicestershire, "2026-12-07", "2026-12-02")).toBe(false);
    // After the October half term (19–23 October 2026): a Tuesday 27 October meeting is reminded from Friday 16 October.
    expect(isReminderDue(leicestershire, "2026-10-27", "2026-10-16")).toBe(true);
    expect(isReminderDue(leicestershire, "2026-10-27", "2026-10-15")).toBe(false);
  });

  it("reminds the members whose school has no view, a deputy's view counting for their member", () => {
    const panel: Panel = { members: [{ id: "a", schoolUrn: "1", name: "A" }, { id: "b", schoolUrn: "2", name: "B" }, { id: "c", schoolUrn: "3", name: "C" }], deputies: [{ for: "c", deputy: { id: "d", name: "D" } }], chairId: "a", quorumSchools: 2 };
    const views = { c: { outcome: "inSchoolSupport" as const, at: "", schoolUrn: "3", givenBy: "d" } };
    expect(membersWithoutView(panel, { caseRef: "X", views }).map((m) => m.id)).toEqual(["a", "b"]);
  });
});
