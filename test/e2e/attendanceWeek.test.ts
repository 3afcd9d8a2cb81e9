import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAttendanceSandbox, type AttendanceSandbox } from "../../sandbox/attendance/attendanceSandbox";
import { attendanceWeek, expectedRegister, seedAttendance, weekSchools } from "../../sandbox/attendance/attendanceFixture";
import { runAttendanceRound } from "../../src/workflows/attendance/dailyAttendance";
import { runDueAttendanceRounds } from "../../src/workflows/attendance/attendanceTimer";
import { appState, tableStore } from "../../src/m365/tables";
import { DIGEST_CSV_COLUMNS } from "../../src/workflows/attendance/attendanceMessages";
import { demoStaff } from "../../sandbox/demo/demoTenant";
import type { StoredMessage } from "../../sandbox/graph/areas/mail";

/**
 * A week of marks across every DfE code category, through the real Graph sandbox: the digests each school's
 * attendance lead reads back match the register worked out by hand (sandbox/attendance/attendanceFixture.ts).
 * Exchange's per-minute limit is switched off here (this test is about what the digests say; the scale test
 * is about pacing).
 */
let box: AttendanceSandbox;
const logs: string[] = [];
const [oakfield, brookside, hillcrest] = weekSchools as [(typeof weekSchools)[number], (typeof weekSchools)[number], (typeof weekSchools)[number]];

beforeAll(async () => {
  box = await startAttendanceSandbox();
  box.mail.limitPerMinute = 0;
  seedAttendance(box.sites, box.mail, attendanceWeek);
  const ports = box.roundPorts({ log: (m) => logs.push(m) });
  for (const day of [...attendanceWeek.days, attendanceWeek.saturday]) {
    await runAttendanceRound(ports, "alert", day);
    await runAttendanceRound(ports, "digest", day);
  }
}, 120_000);
afterAll(async () => box?.stop());

const digests = (address: string) => box.mail.inbox(address).filter((m) => m.subject.startsWith("Daily attendance"));
const csvOf = (m: StoredMessage) => {
  const text = Buffer.from(m.attachments[0]!.contentBytes, "base64").toString("utf8");
  const [head, ...lines] = text.trim().split("\r\n");
  const cols = parseCsvLine(head!);
  return lines.map((l) => Object.fromEntries(parseCsvLine(l).map((v, i) => [cols[i], v])) as Record<(typeof DIGEST_CSV_COLUMNS)[number], string>);
};
function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') (cur += '"'), i++;
      else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") out.push(cur), (cur = "");
    else cur += c;
  }
  out.push(cur);
  return out;
}
const digestOn = (address: string, day: string) => digests(address).find((m) => m.subject.includes(day))!;

describe("a week of daily attendance", () => {
  it("sends one digest per school per school day, and nothing on days the school is closed", () => {
    expect(digests(oakfield.AttendanceLeadEmail).map((m) => m.subject.slice(17, 27)).sort()).toEqual(attendanceWeek.days);
    // Brookside's INSET day (its calendar override) on Friday 27th: nothing that day.
    expect(digests(brookside.AttendanceLeadEmail).map((m) => m.subject.slice(17, 27)).sort()).toEqual(attendanceWeek.days.slice(0, 4));
    expect(digests(hillcrest.AttendanceLeadEmail)).toHaveLength(5);
    // Saturday: nothing at all; no school without pupils hears anything.
    const all = box.mail.sentItems(demoStaff.partnership);
    expect(all.filter((m) => m.subject.includes(attendanceWeek.saturday))).toEqual([]);
    expect(box.mail.inbox("attendance@northgatehigh.example")).toEqual([]);
  });

  it("matches the hand-computed register: percentages, flags and suggested codes (B, K and D)", () => {
    const thursday = [...csvOf(digestOn(oakfield.AttendanceLeadEmail, "2026-11-26")), ...csvOf(digestOn(brookside.AttendanceLeadEmail, "2026-11-26"))];
    for (const [caseRef, want] of Object.entries(expectedRegister).filter(([c]) => c !== "LNCIP-2026-9004")) {
      const lines = thursday.filter((l) => l.CaseRef === caseRef);
      expect(lines, caseRef).toHaveLength(2);
      expect(Number(lines[0]!.PlacementAttendancePct), caseRef).toBe(want.attendancePercent);
      expect(Number(lines[0]!.PlacementAbsencePct)).toBe(want.absencePercent);
      expect(Number(lines[0]!.TermAttendancePct)).toBe(want.attendancePercent);
      expect([lines[0]!.PersistentAbsence, lines[0]!.SevereAbsence]).toEqual([want.persistent ? "Y" : "N", want.severe ? "Y" : "N"]);
      expect(Number(lines[0]!.UnauthorisedIn10SchoolWeeks)).toBe(want.unauthorisedInTenWeeks);
      expect(Number(lines[0]!.DaysAbsent)).toBe(want.daysAbsent);
    }
    const code = (caseRef: string, session: string) => thursday.find((l) => l.CaseRef === caseRef && l.Session === session)!;
    expect([code("LNCIP-2026-9001", "AM").SuggestedCode, code("LNCIP-2026-9001", "PM").Suggestion]).toEqual(["B", "School decides (authorised or not). Reason given: Family matter"]);
    expect(code("LNCIP-2026-9001", "PM").Corrected).toBe("Y");
    expect(code("LNCIP-2026-9002", "AM").ReasonGiven).toBe("Holiday");
    expect(code("LNCIP-2026-9003", "PM").WhatHappened).toBe("Not yet recorded");
    const wednesday = csvOf(digestOn(brookside.AttendanceLeadEmail, "2026-11-25"));
    expect(wednesday.map((l) => `${l.CaseRef} ${l.Session} ${l.SuggestedCode}`)).toEqual(["LNCIP-2026-9002 AM C2", "LNCIP-2026-9002 PM K", "LNCIP-2026-9003 AM C2", "LNCIP-2026-9003 PM D"]);
    const friday = csvOf(digestOn(hillcrest.AttendanceLeadEmail, "2026-11-27"));
    const want = expectedRegister["LNCIP-2026-9004"];
    expect(friday[0]).toMatchObject({ PlacementAttendancePct: String(want.attendancePercent), SevereAbsence: "Y", TenUnauthorisedIn10Weeks: "Y", UnauthorisedIn10SchoolWeeks: "15", FifteenDaysAbsence: "Y", DaysAbsent: "15", SuggestedCode: "B" });
  });

  it("copies the DSL only when a pupil is flagged, and names pupils only in the body", () => {
    const monday = digestOn(oakfield.AttendanceLeadEmail, "2026-11-23");
    expect(monday.ccRecipients).toEqual([]);
    const thursday = digestOn(oakfield.AttendanceLeadEmail, "2026-11-26");
    expect(thursday.ccRecipients.map((r) => r.emailAddress.address)).toEqual([oakfield.DslEmail]);
    expect(thursday.body.content).toContain("Quartermaine, Amelia");
    // 9001's absence with no code counts in no unauthorised flag: the school decides it.
    expect(thursday.body.content).toContain("Unauthorised sessions in the last 10 school weeks (recorded codes only): 0. Absences with no code yet, for you to decide: 1.");
    expect(box.mail.inbox(oakfield.DslEmail).every((m) => m.toRecipients.length === 1 && m.toRecipients[0]!.emailAddress.address === oakfield.AttendanceLeadEmail)).toBe(true);
  });

  it("alerts each school in the morning only when a pupil is absent or unmarked in the AM", () => {
    const alerts = (address: string) => box.mail.inbox(address).filter((m) => m.subject.startsWith("Morning attendance alert"));
    expect(alerts(oakfield.AttendanceLeadEmail).map((m) => m.subject.slice(25, 35))).toEqual(["2026-11-24"]);
    // Tue: 9002 late after the register closed (U); Thu: 9002 absent (holiday), 9003 absent (dentist).
    expect(alerts(brookside.AttendanceLeadEmail).map((m) => m.subject.slice(25, 35)).sort()).toEqual(["2026-11-24", "2026-11-26"]);
    expect(alerts(hillcrest.AttendanceLeadEmail)).toEqual([]);
  });

  it("chases the provider for sessions not recorded by the cut-off (the Coordinator when it has no address)", () => {
    const chases = box.mail.inbox(demoStaff.coordinator).filter((m) => m.subject.startsWith("Session marks not yet recorded"));
    expect(chases.map((m) => m.subject)).toEqual(["Session marks not yet recorded, 2026-11-26 (ref ATT-north-works-20261126-C)"]);
    expect(chases[0]!.body.content).toContain("LNCIP-2026-9003");
    expect(chases[0]!.body.content).not.toContain("Pemberton");
  });

  it("sends nothing more when the same rounds run again", async () => {
    const before = box.mail.sentItems(demoStaff.partnership).length;
    const report = await runAttendanceRound(box.roundPorts(), "digest", "2026-11-26");
    expect(report).toMatchObject({ sent: 0, alreadySent: 4 }) // three digests and the chase;
    expect(box.mail.sentItems(demoStaff.partnership)).toHaveLength(before);
  });

  it("runs from the UTC timer what is due in UK time, once: a Saturday sends nothing, a complete round is not run again", async () => {
    const ports = { ...box.roundPorts({ log: (m) => logs.push(m) }), state: appState(tableStore(box.azurite.connectionString, "AttendanceState")) };
    const times = { alert: "10:00", digest: "16:30" };
    const saturday = await runDueAttendanceRounds(ports, new Date("2026-11-28T17:00:00Z"), times);
    expect(saturday).toMatchObject([{ kind: "digest", day: "2026-11-28", schoolsWithPupils: 0, sent: 0 }]);
    const monday = await runDueAttendanceRounds(ports, new Date("2026-11-30T16:40:00Z"), times);
    expect(monday).toMatchObject([{ kind: "digest", day: "2026-11-30", schoolsWithPupils: 3, sent: 5, failed: 0 }]); // three digests; chases for the centre (Monday, unrecorded) and North Works (Thursday PM still)
    expect(await runDueAttendanceRounds(ports, new Date("2026-11-30T16:50:00Z"), times)).toEqual([]);
    expect(await runDueAttendanceRounds(ports, new Date("2026-11-30T09:50:00Z"), times)).toEqual([]);
  });

  it("puts no pupil name, date of birth or UPN in any subject or log line", () => {
    const secrets = attendanceWeek.pupils.flatMap((p) => [p.firstName, p.lastName, p.upn, p.dateOfBirth]);
    const subjects = box.mail.sentItems(demoStaff.partnership).map((m) => m.subject);
    expect(subjects.length).toBeGreaterThanOrEqual(18); // 14 digests, 3 alerts, 1 chase in the week
    for (const line of [...subjects, ...logs]) for (const s of secrets) expect(line).not.toContain(s);
  });
});
