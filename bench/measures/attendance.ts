import type { Figure } from "../report";
import { round1 } from "../stats";
import { startAttendanceSandbox } from "../../sandbox/attendance/attendanceSandbox";
import { bigPartnership, seedAttendance } from "../../sandbox/attendance/attendanceFixture";
import { runAttendanceRound } from "../../src/workflows/attendance/dailyAttendance";
import { scaledClock } from "../../src/m365/outlook/pacedMailSender";
import type { Mailer } from "../../src/m365/outlook/mail";
import { demoStaff } from "../../sandbox/demo/demoTenant";

const LIMIT_PER_MINUTE = 30;

/**
 * The end-of-day digests for a large partnership (300 schools, 5,000 pupils by default), built and sent through
 * the app's own round (`runAttendanceRound`) against the Graph sandbox, which enforces Exchange's 30 messages a
 * minute per mailbox and throttles 10 % of the sends inside each `$batch`. Time runs `factor` times faster for the
 * sandbox and the sender alike (one shared clock), so the ten minutes Exchange's limit imposes take seconds here;
 * the send rate is reported in the sandbox's minutes, which are Exchange's.
 *
 * - `buildMs`: real time from the round's start to its first send — reading schools, placements and marks from
 *   the lists and building every school's register and message (the build does not wait for the clock).
 * - `sendRatePerMinute`: messages sent per (sandbox) minute over the whole send; the busiest 60 s is in the notes.
 * - `duplicates` / `lost`: schools whose attendance lead received more than one digest / none.
 *
 * @example
 * await attendanceDigests({ schools: 300, pupils: 5000, factor: 40 })
 * // { key: "attendance", values: { schools: 300, pupils: 5000, buildMs: 2100, sendRatePerMinute: 29.6, limitPerMinute: 30, duplicates: 0, lost: 0 }, … }
 */
export async function attendanceDigests(options: { schools: number; pupils: number; factor: number }): Promise<Figure> {
  const clock = scaledClock(options.factor);
  const box = await startAttendanceSandbox({ clock: () => clock.date() });
  try {
    const data = bigPartnership(options.schools, options.pupils);
    seedAttendance(box.sites, box.mail, data);
    box.graph.faults.add({ route: "POST /users/", kind: "429", rate: 0.1, retryAfterSeconds: 5 });
    let firstSend = 0;
    const started = Date.now();
    const ports = box.roundPorts({
      clock,
      wrapMailer: (sender): Mailer => ({
        send: (mail) => {
          firstSend ||= Date.now();
          return sender.send(mail);
        },
      }),
    });
    const report = await runAttendanceRound(ports, "digest", "2026-11-23");
    const realMs = Date.now() - started;
    const stats = ports.sender.stats();

    const sentTimes = box.mail.sentItems(demoStaff.partnership).filter((m) => m.subject.startsWith("Daily attendance")).map((m) => Date.parse(m.sentDateTime)).sort((a, b) => a - b);
    const spanMinutes = sentTimes.length > 1 ? (sentTimes[sentTimes.length - 1]! - sentTimes[0]!) / 60_000 : 0;
    let busiest = 0;
    for (let i = 0, j = 0; i < sentTimes.length; i++) {
      while (sentTimes[i]! - sentTimes[j]! >= 60_000) j++;
      busiest = Math.max(busiest, i - j + 1);
    }
    let duplicates = 0;
    let lost = 0;
    for (const school of data.schools) {
      const got = box.mail.inbox(school.AttendanceLeadEmail).filter((m) => m.subject.startsWith("Daily attendance")).length;
      if (got === 0) lost++;
      if (got > 1) duplicates += got - 1;
    }
    const sendRate = spanMinutes > 0 ? round1((sentTimes.length - 1) / spanMinutes) : sentTimes.length;
    return {
      key: "attendance",
      title: `Attendance digests for ${options.schools} schools / ${options.pupils} pupils`,
      values: { schools: options.schools, pupils: options.pupils, buildMs: firstSend ? firstSend - started : null, sendRatePerMinute: sendRate, limitPerMinute: LIMIT_PER_MINUTE, duplicates, lost },
      reference: { text: "Exchange's 30 messages a minute per mailbox; 0 duplicates, 0 lost", value: LIMIT_PER_MINUTE, unit: "messages/minute" },
      meets: busiest <= LIMIT_PER_MINUTE && duplicates === 0 && lost === 0 && report.sent === options.schools,
      notes: [
        `Round report: ${report.sent} sent, ${report.alreadySent} already sent, ${report.failed} failed, ${report.chases} chase(s) of unrecorded sessions.`,
        `Sender: ${stats.batches} $batch requests, ${stats.throttled} throttled items retried after Retry-After (10 % of sends were answered 429 inside their batch).`,
        `Busiest 60 s of the sandbox's clock: ${busiest} messages (limit ${LIMIT_PER_MINUTE}). The whole send took ${round1(spanMinutes)} sandbox minutes, ${round1(realMs / 1000)} s real at ${options.factor}× speed.`,
      ],
    };
  } finally {
    await box.stop();
  }
}
