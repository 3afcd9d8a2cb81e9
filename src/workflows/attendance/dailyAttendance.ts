import { dailyRegister, latestMarks, missingByProvider, morningAlert, placementRunsOn, type PupilPlacement } from "../../domain/attendance";
import { CalendarRangeError, isSchoolDay, type SchoolCalendar } from "../../domain/calendar";
import type { SchoolsRow } from "../../domain/lists";
import { SentItemsNotPermittedError, type Mailer, type OutgoingMail, type UnconfirmedMail } from "../../m365/outlook/mail";
import { EffectInProgressError, type EffectLedger } from "../../m365/tables/effectLedger";
import type { AttendanceSource } from "./attendanceSource";
import { alertMail, chaseMail, digestMail } from "./attendanceMessages";

export type AttendanceRoundKind = "alert" | "digest";

export interface AttendanceRoundPorts {
  source: AttendanceSource;
  /** The paced, batched sender (one per run). */
  mailer: Mailer;
  ledger: EffectLedger;
  /** Is a message with exactly this subject in the partnership mailbox's Sent Items? */
  wasSent(subject: string): Promise<boolean>;
  /**
   * Where a message goes whose sending a dead run interrupted, when Sent Items may not be read (403): parked for a
   * person, not sent again. Without it the message fails, and is tried again next run.
   */
  park?(mail: UnconfirmedMail): Promise<void>;
  calendarFor(school: SchoolsRow): SchoolCalendar;
  partnershipName: string;
  /** Gets the chase for the centre's own sessions and for providers with no address. */
  coordinatorEmail: string;
  log: (message: string) => void;
  /** Messages handed to the sender at once: one batch of 20, so none waits in the queue near the ledger claim's 2-minute lifetime. */
  concurrency?: number;
}

export interface AttendanceRoundReport {
  kind: AttendanceRoundKind;
  day: string;
  /** Schools for which the day is a school day and at least one placement runs. */
  schoolsWithPupils: number;
  sent: number;
  alreadySent: number;
  /** Being sent by another run at this moment (the timer fired twice): left to it. */
  inProgressElsewhere: number;
  nothingToSay: number;
  failed: number;
  chases: number;
  problems: string[];
}

interface Outgoing {
  key: string;
  mail: OutgoingMail;
  chase: boolean;
}

/**
 * One attendance round for a day: the morning alert or the end-of-day digest (with the chase of unrecorded
 * sessions), for every school whose calendar has the day as a school day and which has pupils in placement.
 *
 * Each message is an effect with its own ledger key (`attendance:{urn}:{day}:{kind}`), sent through the paced
 * sender; a run interrupted after Graph accepted a message but before the ledger recorded it finds the message
 * in Sent Items by its subject's reference token. So a timer firing twice, a process dying midway and Graph
 * throttling all end with one message per school per day per kind. Logs carry URNs and counts only.
 *
 * @example
 * await runAttendanceRound(ports, "digest", "2026-11-23")
 * // { kind: "digest", day: "2026-11-23", schoolsWithPupils: 12, sent: 12, alreadySent: 0, chases: 2, ... }
 */
export async function runAttendanceRound(ports: AttendanceRoundPorts, kind: AttendanceRoundKind, day: string): Promise<AttendanceRoundReport> {
  const report: AttendanceRoundReport = { kind, day, schoolsWithPupils: 0, sent: 0, alreadySent: 0, inProgressElsewhere: 0, nothingToSay: 0, failed: 0, chases: 0, problems: [] };
  const schools = await ports.source.schools();
  const open: { school: SchoolsRow; calendar: SchoolCalendar }[] = [];
  for (const school of schools) {
    const calendar = ports.calendarFor(school);
    try {
      if (isSchoolDay(calendar, day)) open.push({ school, calendar });
    } catch (e) {
      if (!(e instanceof CalendarRangeError)) throw e;
      report.problems.push(`School ${school.Urn}: ${e.message}`);
    }
  }
  if (!open.length) return report;

  const { placements, problems } = await ports.source.placements();
  report.problems.push(...problems);
  const bySchool = new Map<string, PupilPlacement[]>();
  for (const p of placements) if (placementRunsOn(p, day)) bySchool.set(p.schoolUrn, [...(bySchool.get(p.schoolUrn) ?? []), p]);
  const running = [...bySchool.values()].flat();
  if (!running.length) return report;
  const from = running.reduce((min, p) => (p.startDate < min ? p.startDate : min), day);
  const marks = latestMarks(await ports.source.marks(from, day));

  const outgoing: Outgoing[] = [];
  const allRows = [];
  for (const { school, calendar } of open) {
    const pupils = bySchool.get(school.Urn);
    if (!pupils?.length) continue;
    report.schoolsWithPupils++;
    try {
      if (kind === "alert") {
        const lines = morningAlert(pupils, marks, day);
        if (!lines.length) report.nothingToSay++;
        else outgoing.push({ key: `attendance:${school.Urn}:${day}:alert`, mail: alertMail(school, day, lines, ports.partnershipName), chase: false });
      } else {
        const rows = dailyRegister(pupils, marks, calendar, day);
        allRows.push(...rows);
        outgoing.push({ key: `attendance:${school.Urn}:${day}:digest`, mail: digestMail(school, day, rows, ports.partnershipName), chase: false });
      }
    } catch (e) {
      // A placement starting before the known term dates, say: this school waits for the fix, the others do not.
      if (!(e instanceof CalendarRangeError)) throw e;
      report.failed++;
      report.problems.push(`School ${school.Urn}: ${e.message}`);
    }
  }
  if (kind === "digest") {
    for (const [providerId, { provider, sessions }] of missingByProvider(allRows)) {
      const to = provider?.email ?? ports.coordinatorEmail;
      outgoing.push({ key: `attendance-chase:${providerId}:${day}`, mail: chaseMail(providerId, provider, to, day, sessions, ports.partnershipName), chase: true });
    }
  }

  const work = [...outgoing];
  const worker = async () => {
    for (let next = work.shift(); next; next = work.shift()) {
      const item = next;
      try {
        const { firstTime } = await ports.ledger.once(
          item.key,
          async () => {
            await ports.mailer.send(item.mail);
            return { sent: true };
          },
          {
            alreadyDone: async (claimedAt) => {
              try {
                return (await ports.wasSent(item.mail.subject)) ? { sent: true } : undefined;
              } catch (e) {
                // Whether it went cannot be known, and asking again will not tell: parked for a person, never retried for ever.
                if (!(e instanceof SentItemsNotPermittedError) || !ports.park) throw e;
                await ports.park({ key: item.key, to: item.mail.to, subject: item.mail.subject, claimedAt });
                ports.log(`Attendance ${kind} ${item.key}: interrupted and unconfirmed (Sent Items may not be read); parked`);
                return { sent: true };
              }
            },
          },
        );
        if (firstTime) {
          report.sent++;
          if (item.chase) report.chases++;
        } else report.alreadySent++;
      } catch (e) {
        if (e instanceof EffectInProgressError) report.inProgressElsewhere++;
        else {
          report.failed++;
          ports.log(`Attendance ${kind} ${item.key} not sent (${e instanceof Error ? e.name : "error"}); the next run retries it`);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, ports.concurrency ?? 20) }, worker));
  ports.log(`Attendance ${kind} ${day}: ${report.sent} sent, ${report.alreadySent} already sent, ${report.inProgressElsewhere} in progress elsewhere, ${report.nothingToSay} with nothing to say, ${report.failed} failed`);
  return report;
}
