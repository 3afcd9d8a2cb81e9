import { describe, expect, it } from "vitest";
import { agendaDue, needsMeeting, nextMeetingWithRoom, type MeetingSlot } from "../../../src/domain/meetings";
import { schoolCalendarFor, shippedCalendars } from "../../../src/domain/calendar";

const calendar = schoolCalendarFor(shippedCalendars.leicestershire!);
const cg = (date: string, agendaSize = 6): MeetingSlot => ({ key: `CG-${date}`, kind: "coreGroup", date, startTime: "16:00", agendaSize });
const meetings = [cg("2026-12-17"), cg("2026-12-03", 2), cg("2027-01-14"), { key: "IF-2026-12-09", kind: "inclusionForum" as const, date: "2026-12-09", startTime: "09:30", agendaSize: 10 }];

describe("meetings", () => {
  it("finds the next meeting of the kind after today with room, by its own size and the partnership's", () => {
    expect(nextMeetingWithRoom(meetings, new Map(), "coreGroup", "2026-11-25", 6)?.key).toBe("CG-2026-12-03");
    expect(nextMeetingWithRoom(meetings, new Map([["CG-2026-12-03", 2]]), "coreGroup", "2026-11-25", 6)?.key).toBe("CG-2026-12-17");
    expect(nextMeetingWithRoom(meetings, new Map([["CG-2026-12-17", 1]]), "coreGroup", "2026-12-03", 1)?.key).toBe("CG-2027-01-14");
    expect(nextMeetingWithRoom(meetings, new Map(), "coreGroup", "2027-01-14", 6)).toBeUndefined();
    expect(nextMeetingWithRoom(meetings, new Map(), "inclusionForum", "2026-11-25", 6)?.key).toBe("IF-2026-12-09");
  });

  it("rolls a case on when it has no meeting, an unknown one, or one that has passed", () => {
    expect(needsMeeting(meetings, undefined, "2026-11-25")).toBe(true);
    expect(needsMeeting(meetings, "CG-2099-01-01", "2026-11-25")).toBe(true);
    expect(needsMeeting(meetings, "CG-2026-12-03", "2026-12-03")).toBe(false);
    expect(needsMeeting(meetings, "CG-2026-12-03", "2026-12-04")).toBe(true);
  });

  it("sends an Inclusion Forum's agenda from the set number of school days before it until the day before", () => {
    const forum = meetings[3]!;
    expect(agendaDue(calendar, forum, "2026-12-03", 3)).toBe(false); // 4 school days before
    expect(agendaDue(calendar, forum, "2026-12-04", 3)).toBe(true);
    expect(agendaDue(calendar, forum, "2026-12-08", 3)).toBe(true);
    expect(agendaDue(calendar, forum, "2026-12-09", 3)).toBe(false);
    expect(agendaDue(calendar, meetings[0]!, "2026-12-16", 3)).toBe(false); // Core Group: no agenda email
  });
});
