import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAttendanceSandbox, type AttendanceSandbox } from "../../sandbox/attendance/attendanceSandbox";
import { startTestSystem, type TestSystem } from "../support/system";
import { attendanceWeek, seedAttendance } from "../../sandbox/attendance/attendanceFixture";
import { recordMarks, type RecordMarksPorts } from "../../src/workflows/attendance/recordMarks";
import { attendanceHandler, attendanceWatches } from "../../src/workflows/attendance/attendanceHandler";
import { auditTrail, effectLedger, providerKeys, tableStore, type AuditTrail } from "../../src/m365/tables";
import { demoSite } from "../../sandbox/demo/demoTenant";

/** Session marks in: the endpoint's workflow against the sandbox, the SharePoint handler, and the HTTP function in the host. */
let box: AttendanceSandbox;
let ports: RecordMarksPorts;
let audit: AuditTrail;
/** Keys the partnership issued (npm run provider-key): Riverside AP teaches 9001 and 9002, North Works 9003. */
let riverside = "";
let north = "";
const marks = () => box.sites.items(box.sites.siteIdByPath(demoSite.hostname, demoSite.path), "Attendance");
const good = [
  { caseRef: "LNCIP-2026-9001", date: "2026-11-23", session: "AM", happened: "attended" },
  { caseRef: "LNCIP-2026-9001", date: "2026-11-23", session: "PM", happened: "late", lateMinutes: 10 },
  { caseRef: "LNCIP-2026-9002", date: "2026-11-24", session: "AM", happened: "absent", reasonGiven: "Unwell", providerCode: "I" },
];

beforeAll(async () => {
  box = await startAttendanceSandbox();
  seedAttendance(box.sites, box.mail, { ...attendanceWeek, marks: [] });
  const keys = providerKeys(tableStore(box.azurite.connectionString, "MarkProviderKeys"));
  riverside = await keys.issue("riverside-ap", new Date());
  north = await keys.issue("north-works", new Date());
  ports = { attendance: box.lists.attendance, placements: box.lists.placements, ledger: effectLedger(tableStore(box.azurite.connectionString, "MarkEffects")), providers: keys, now: () => new Date("2026-11-24T10:00:00Z") };
  audit = auditTrail(tableStore(box.azurite.connectionString, "MarkAudit"));
}, 60_000);
afterAll(async () => box?.stop());

describe("session marks in", () => {
  it("records several marks at once, and a repeat of the same request writes nothing", async () => {
    const first = await recordMarks(ports, { marks: good }, riverside);
    expect(first).toEqual({ status: 200, results: [1, 2, 3].map((row, i) => ({ row, outcome: "recorded", markKey: `${good[i]!.caseRef}:${good[i]!.date}:${good[i]!.session}:1` })) });
    const again = await recordMarks(ports, { marks: good }, riverside);
    expect(again.status === 200 && again.results.map((r) => r.outcome)).toEqual(["unchanged", "unchanged", "unchanged"]);
    expect(marks()).toHaveLength(3);
    expect(marks().find((m) => m.fields.Title === "LNCIP-2026-9002:2026-11-24:AM:1")!.fields).toMatchObject({ Happened: "Absent", AbsenceReason: "Unwell", ProviderCode: "I", Version: 1, RecordedBy: "riverside-ap (provider key)" });
  });

  it("keeps a correction as a new version that names the mark it corrects", async () => {
    const answer = await recordMarks(ports, { marks: [{ ...good[0], happened: "absent", reasonGiven: "Went home ill", providerCode: "I" }] }, riverside);
    expect(answer).toEqual({ status: 200, results: [{ row: 1, outcome: "corrected", markKey: "LNCIP-2026-9001:2026-11-23:AM:2" }] });
    const versions = marks().filter((m) => String(m.fields.Title).startsWith("LNCIP-2026-9001:2026-11-23:AM"));
    expect(versions.map((v) => [v.fields.Happened, v.fields.Version, v.fields.CorrectionOf ?? null])).toEqual([["Attended", 1, null], ["Absent", 2, "LNCIP-2026-9001:2026-11-23:AM:1"]]);
  });

  it("refuses a request with any bad row (422, every problem by row) and writes nothing", async () => {
    const before = marks().length;
    const answer = await recordMarks(ports, {
      marks: [
        { caseRef: "LNCIP-2026-9002", date: "2026-11-25", session: "AM", happened: "attended" },
        { caseRef: "LNCIP-2026-9002", date: "2026-11-25", session: "PM", happened: "late" },
        { caseRef: "LNCIP-2026-9002", date: "2026-11-25", session: "AM", happened: "absent", reasonGiven: "Unwell" },
        { caseRef: "LNCIP-2026-7777", date: "2026-11-25", session: "AM", happened: "attended" },
        { caseRef: "LNCIP-2026-9003", date: "2026-11-23", session: "AM", happened: "attended" },
        { caseRef: "LNCIP-2026-9002", date: "2026-11-26", session: "AM", happened: "attended", providerCode: "I" },
      ],
    }, riverside);
    expect(answer.status).toBe(422);
    if (answer.status !== 422) return;
    expect(answer.problems.map((p) => [p.row, p.field])).toEqual([[2, "lateMinutes"], [3, "session"], [4, "caseRef"], [5, "caseRef"], [6, "providerCode"]]);
    expect(marks()).toHaveLength(before);
    expect(await recordMarks(ports, { marks: [] }, riverside)).toMatchObject({ status: 400 });
  });

  it("takes marks only from a provider's key, for its own pupils, recorded as that provider — never as a name in the body", async () => {
    const before = marks().length;
    const mark = { caseRef: "LNCIP-2026-9002", date: "2026-11-25", session: "PM", happened: "attended" };
    expect(await recordMarks(ports, { marks: [mark] }, undefined)).toMatchObject({ status: 401, error: expect.stringContaining("x-provider-key") });
    expect(await recordMarks(ports, { marks: [mark] }, "ifpk_not-a-key-the-partnership-issued-000000000")).toMatchObject({ status: 401 });
    // North Works does not teach 9002 (Riverside does): refused exactly as a case with no placement would be.
    const another = await recordMarks(ports, { marks: [mark] }, north);
    expect(another).toEqual({ status: 422, problems: [{ row: 1, field: "caseRef", message: "case LNCIP-2026-9002 has no placement with you running on 2026-11-25" }] });
    const declared = await recordMarks(ports, { marks: [{ ...mark, recordedBy: "head@oakfield.example" }] }, riverside);
    expect(declared).toMatchObject({ status: 422, problems: [{ row: 1, field: "recordedBy" }] });
    expect(marks()).toHaveLength(before);
    expect(await recordMarks(ports, { marks: [{ ...mark, caseRef: "LNCIP-2026-9003", date: "2026-11-25" }] }, north)).toMatchObject({ status: 200 });
    expect(marks().find((m) => m.fields.Title === "LNCIP-2026-9003:2026-11-25:PM:1")!.fields.RecordedBy).toBe("north-works (provider key)");
  });

  it("takes at most 100 marks in one request", async () => {
    const many = Array.from({ length: 101 }, (_, i) => ({ caseRef: "LNCIP-2026-9002", date: `2026-11-${String(1 + (i % 28)).padStart(2, "0")}`, session: i % 2 ? "AM" : "PM", happened: "attended" }));
    expect(await recordMarks(ports, { marks: many }, riverside)).toMatchObject({ status: 400, error: expect.stringContaining("at most 100") });
  });

  it("numbers a mark typed into SharePoint as a correction, and records an edit in place in the audit trail", async () => {
    const siteId = box.sites.siteIdByPath(demoSite.hostname, demoSite.path);
    const id = box.sites.addItem(siteId, "Attendance", { Title: "typed by hand", CaseRef: "LNCIP-2026-9001", Date: "2026-11-23", Session: "PM", Happened: "Attended", RecordedBy: "teacher@lncip.example", RecordedAt: "2026-11-24T11:00:00Z" }, "teacher@lncip.example");
    const handler = attendanceHandler({ attendance: box.lists.attendance, audit, log: () => undefined });
    const watched = (item: Parameters<typeof box.lists.attendance.watched>[0]) => box.lists.attendance.watched(item, attendanceWatches);
    const typed = (await box.lists.attendance.get(id))!;
    await handler.changed(undefined, typed, watched(typed));
    const numbered = (await box.lists.attendance.get(id))!;
    expect(numbered.row).toMatchObject({ MarkKey: "LNCIP-2026-9001:2026-11-23:PM:2", Version: 2, CorrectionOf: "LNCIP-2026-9001:2026-11-23:PM:1" });
    box.sites.patchAsPerson(siteId, "Attendance", id, { Happened: "Absent", AbsenceReason: "Left at lunch" }, "teacher@lncip.example");
    const edited = (await box.lists.attendance.get(id))!;
    await handler.changed(watched(numbered), edited, watched(edited));
    const trail = await audit.forCase("LNCIP-2026-9001");
    expect(trail.map((e) => [e.action, e.from ?? null, e.to])).toEqual(expect.arrayContaining([["correctSessionMark", "late", "attended"], ["editSessionMarkInPlace", "Attended", "Absent"]]));
  });
});

describe("the marks endpoint in the Functions host", () => {
  let system: TestSystem;
  let key = "";
  beforeAll(async () => {
    system = await startTestSystem();
    seedAttendance(system.graph.area("sites"), system.mail, { schools: [], pupils: attendanceWeek.pupils.slice(0, 1), marks: [] }, false);
    key = await providerKeys(tableStore(system.azurite.connectionString, "ProviderKeys")).issue("riverside-ap", new Date());
  }, 90_000);
  afterAll(async () => system?.stop());

  it("answers 200 with outcomes, 200 unchanged on repeat, 422 by row, 400 for a body that is not a batch, 401 without either key", async () => {
    const body = { marks: [good[0]] };
    const provider = { "x-provider-key": key };
    const first = await system.post("/api/attendance/marks", body, provider);
    expect([first.status, await first.json()]).toEqual([200, { results: [{ row: 1, outcome: "recorded", markKey: "LNCIP-2026-9001:2026-11-23:AM:1" }] }]);
    const again = await system.post("/api/attendance/marks", body, provider);
    expect(((await again.json()) as { results: { outcome: string }[] }).results[0]!.outcome).toBe("unchanged");
    const bad = await system.post("/api/attendance/marks", { marks: [{ ...good[0], session: "EVE" }] }, provider);
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { problems: { row: number; field: string }[] }).problems).toMatchObject([{ row: 1, field: "session" }]);
    expect((await system.post("/api/attendance/marks", "not json", provider)).status).toBe(400);
    expect((await system.post("/api/attendance/marks", body, { ...provider, "x-functions-key": "wrong" })).status).toBe(401);
    expect((await system.post("/api/attendance/marks", body)).status).toBe(401);
    expect(system.items("Attendance")).toHaveLength(1);
  });

  it("registers the attendance timer in UTC, every 10 minutes, and it runs on demand", async () => {
    const list = (await (await fetch(`${system.appUrl}/admin/functions`, { headers: { "x-functions-key": "local-master-key" } })).json()) as { name: string; bindings: Record<string, { type: string; schedule?: string }> }[];
    const timer = list.find((f) => f.name === "attendanceRounds");
    expect(Object.values(timer!.bindings).find((b) => b.type === "timerTrigger")?.schedule).toBe("0 */10 * * * *");
    const run = await fetch(`${system.appUrl}/admin/functions/attendanceRounds`, { method: "POST", headers: { "x-functions-key": "local-master-key", "content-type": "application/json" }, body: JSON.stringify({ input: "" }) });
    expect(run.status).toBe(202);
    // What it sends depends on the real time of day; that it runs without failing does not.
    await new Promise((r) => setTimeout(r, 2_000));
    expect(system.host.output()).not.toMatch(/attendanceRounds.*On-demand run failed/);
  });
});
