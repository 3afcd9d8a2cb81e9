import { describe, expect, it } from "vitest";
import { dueAttendanceRounds } from "../../../src/workflows/attendance/attendanceTimer";

const times = { alert: "10:00", digest: "16:30" };

describe("what the UTC timer finds due in UK time", () => {
  it("nothing before the alert, the alert until the digest, then the digest until midnight (GMT)", () => {
    expect(dueAttendanceRounds(new Date("2026-11-23T09:55:00Z"), times)).toEqual([]);
    expect(dueAttendanceRounds(new Date("2026-11-23T10:00:00Z"), times)).toEqual([{ kind: "alert", day: "2026-11-23" }]);
    expect(dueAttendanceRounds(new Date("2026-11-23T16:29:00Z"), times)).toEqual([{ kind: "alert", day: "2026-11-23" }]);
    expect(dueAttendanceRounds(new Date("2026-11-23T16:30:00Z"), times)).toEqual([{ kind: "digest", day: "2026-11-23" }]);
    expect(dueAttendanceRounds(new Date("2026-11-23T23:59:00Z"), times)).toEqual([{ kind: "digest", day: "2026-11-23" }]);
  });
  it("follows British Summer Time: 16:30 BST is 15:30 UTC, and 23:30 UTC is already tomorrow", () => {
    expect(dueAttendanceRounds(new Date("2026-06-23T15:25:00Z"), times)).toEqual([{ kind: "alert", day: "2026-06-23" }]);
    expect(dueAttendanceRounds(new Date("2026-06-23T15:30:00Z"), times)).toEqual([{ kind: "digest", day: "2026-06-23" }]);
    expect(dueAttendanceRounds(new Date("2026-06-23T08:59:00Z"), times)).toEqual([]); // 09:59 BST
    expect(dueAttendanceRounds(new Date("2026-06-23T09:00:00Z"), times)).toEqual([{ kind: "alert", day: "2026-06-23" }]);
    expect(dueAttendanceRounds(new Date("2026-06-23T23:30:00Z"), times)).toEqual([]);
  });
});
