import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAttendanceSandbox, type AttendanceSandbox } from "../../sandbox/attendance/attendanceSandbox";
import { bigPartnership, seedAttendance } from "../../sandbox/attendance/attendanceFixture";
import { runAttendanceRound } from "../../src/workflows/attendance/dailyAttendance";
import { scaledClock, type PacedMailSender } from "../../src/m365/outlook/pacedMailSender";
import type { Mailer } from "../../src/m365/outlook/mail";

/**
 * The timer fires twice at once, or the process dies after Graph accepted some digests but before they were
 * recorded: every school still gets exactly one message of each kind for the day.
 */
const clock = scaledClock(60);
const data = bigPartnership(40, 400);
let box: AttendanceSandbox;

beforeAll(async () => {
  box = await startAttendanceSandbox({ clock: () => clock.date() });
  seedAttendance(box.sites, box.mail, data);
}, 60_000);
afterAll(async () => box?.stop());

const received = (address: string, prefix: string) => box.mail.inbox(address).filter((m) => m.subject.startsWith(prefix));

describe("exactly once per school per day", () => {
  it("after the process dies midway (sent but not recorded) and the next run picks up", async () => {
    let sends = 0;
    let died!: () => void;
    const death = new Promise<void>((r) => (died = r));
    let dyingSender: PacedMailSender | undefined;
    // Dies after Graph accepted the 12th message: from then on nothing returns, so the ledger never hears.
    const dying = (inner: PacedMailSender): Mailer => {
      dyingSender = inner;
      return {
        async send(mail) {
          if (sends >= 12) return new Promise<void>(() => undefined);
          await inner.send(mail);
          if (++sends >= 12) {
            died();
            return new Promise<void>(() => undefined);
          }
        },
      };
    };
    void runAttendanceRound(box.roundPorts({ clock, wrapMailer: dying }), "digest", "2026-11-23");
    await death;
    dyingSender!.close();
    await new Promise((r) => setTimeout(r, 300)); // the batch in flight when it "died" lands
    const sentBeforeRerun = box.mail.sentItems("partnership@lncip.example").length;
    expect(sentBeforeRerun).toBeGreaterThanOrEqual(12);
    expect(sentBeforeRerun).toBeLessThan(40);

    // The next timer run, after the dead run's claims have gone stale.
    const later = () => new Date(Date.now() + 10 * 60_000);
    const report = await runAttendanceRound(box.roundPorts({ clock, ledgerNow: later }), "digest", "2026-11-23");
    expect(report.failed).toBe(0);
    expect(report.sent + report.alreadySent).toBe(40);
    for (const s of data.schools) expect(received(s.AttendanceLeadEmail, "Daily attendance"), s.Urn).toHaveLength(1);
  }, 60_000);

  it("when the timer fires twice at once, and again later", async () => {
    const [a, b] = await Promise.all([runAttendanceRound(box.roundPorts({ clock }), "alert", "2026-11-23"), runAttendanceRound(box.roundPorts({ clock }), "alert", "2026-11-23")]);
    const withAbsence = new Set(data.pupils.filter((_, i) => i % 7 === 0).map((p) => p.schoolUrn));
    expect(a.sent + b.sent).toBe(withAbsence.size);
    expect(a.failed + b.failed).toBe(0);
    const again = await runAttendanceRound(box.roundPorts({ clock }), "alert", "2026-11-23");
    expect(again).toMatchObject({ sent: 0, alreadySent: withAbsence.size });
    for (const s of data.schools) expect(received(s.AttendanceLeadEmail, "Morning attendance alert"), s.Urn).toHaveLength(withAbsence.has(s.Urn) ? 1 : 0);
  }, 60_000);
});
