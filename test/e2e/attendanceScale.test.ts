import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAttendanceSandbox, type AttendanceSandbox } from "../../sandbox/attendance/attendanceSandbox";
import { bigPartnership, seedAttendance } from "../../sandbox/attendance/attendanceFixture";
import { runAttendanceRound, type AttendanceRoundReport } from "../../src/workflows/attendance/dailyAttendance";
import { scaledClock } from "../../src/m365/outlook/pacedMailSender";
import { demoStaff } from "../../sandbox/demo/demoTenant";

/**
 * 300 schools, 5,000 pupils: every school gets exactly one digest while the sandbox enforces Exchange's 30
 * messages a minute and injects 429s into 10 % of the sends inside each $batch. Time runs 40 times faster for
 * the sandbox and the sender alike (one shared scaled clock), so ten minutes of sending take 15 seconds (not
 * faster: the sandbox's access tokens live an hour of its clock, 90 real seconds at this factor).
 */
const FACTOR = 40;
const clock = scaledClock(FACTOR);
const data = bigPartnership(300, 5000);
let box: AttendanceSandbox;
let report: AttendanceRoundReport;
let stats: ReturnType<ReturnType<AttendanceSandbox["roundPorts"]>["sender"]["stats"]>;
const logs: string[] = [];
let realMs = 0;

beforeAll(async () => {
  box = await startAttendanceSandbox({ clock: () => clock.date() });
  seedAttendance(box.sites, box.mail, data);
  box.graph.faults.add({ route: "POST /users/", kind: "429", rate: 0.1, retryAfterSeconds: 5 });
  const ports = box.roundPorts({ clock, log: (m) => logs.push(m) });
  const started = Date.now();
  report = await runAttendanceRound(ports, "digest", "2026-11-23");
  realMs = Date.now() - started;
  stats = ports.sender.stats();
}, 120_000);
afterAll(async () => box?.stop());

describe("daily digests at scale", () => {
  it("gives every school exactly one digest, none lost, none doubled", () => {
    expect(report).toMatchObject({ schoolsWithPupils: 300, sent: 300, failed: 0, alreadySent: 0 });
    for (const s of data.schools) expect(box.mail.inbox(s.AttendanceLeadEmail).filter((m) => m.subject.startsWith("Daily attendance")), s.Urn).toHaveLength(1);
    expect(box.mail.sentItems(demoStaff.partnership)).toHaveLength(300);
    console.log(`300 digests in ${realMs} ms real (${FACTOR}× clock): ${stats.batches} batches, ${stats.throttled} throttled items retried`);
  });

  it("was paced within 30 messages a minute and retried throttled items", () => {
    expect(stats.throttled).toBeGreaterThan(0);
    const times = box.mail.sentItems(demoStaff.partnership).map((m) => Date.parse(m.sentDateTime)).sort((a, b) => a - b);
    for (let i = 30; i < times.length; i++) expect(times[i]! - times[i - 30]!).toBeGreaterThanOrEqual(60_000);
    const batches = box.graph.requests.filter((r) => r.path.startsWith("/$batch"));
    expect(batches.length).toBeLessThan(300);
  });

  it("names no pupil in any subject or log line", () => {
    const identity = /Forename\d|Surname\d|[A-HJ-NP-RT-Z]\d{12}|2012-01-01/;
    for (const line of [...box.mail.sentItems(demoStaff.partnership).map((m) => m.subject), ...logs]) expect(line).not.toMatch(identity);
    // …while each school's own digest does name its pupils.
    expect(box.mail.inbox(data.schools[0]!.AttendanceLeadEmail)[0]!.body.content).toMatch(/Surname0, Forename0/);
  });
});
