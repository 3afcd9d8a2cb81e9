import { csvCell, csvRow } from "../../domain/text/csv";
import { placementLocationLabels, type Provider } from "../../domain/placement";
import type { DigestRow, PupilPlacement, SessionLine, SuggestedCode, AttendanceStatistics } from "../../domain/attendance";
import type { SchoolsRow } from "../../domain/lists";
import type { OutgoingMail } from "../../m365/outlook/mail";
import { escapeHtml } from "../../m365/outlook/mail";

/**
 * The reference token in every attendance email's subject: what finds a message in Sent Items after an
 * interrupted run. School URN (or provider id), day and kind: never a pupil.
 *
 * @example
 * attendanceToken("120345", "2026-11-23", "digest") // "ATT-120345-20261123-D"
 */
export function attendanceToken(who: string, day: string, kind: "alert" | "digest" | "chase"): string {
  const safe = who.replace(/[^A-Za-z0-9-]/g, "").slice(0, 40);
  return `ATT-${safe}-${day.replace(/-/g, "")}-${{ alert: "A", digest: "D", chase: "C" }[kind]}`;
}

const longDay = (day: string) => new Date(`${day}T12:00:00Z`).toLocaleDateString("en-GB", { weekday: "long", day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
const pupilName = (p: PupilPlacement) => [p.pupil.lastName, p.pupil.firstName].filter(Boolean).join(", ") || "(name not held)";
const pct = (s: AttendanceStatistics) => (s.attendancePercent === undefined ? "–" : `${s.attendancePercent}%`);

const happenedWords: Record<SessionLine["happened"], string> = {
  attended: "Attended",
  late: "Late",
  absent: "Absent",
  notAttendingByArrangement: "Not attending by arrangement",
  notYetRecorded: "Not yet recorded",
  notExpected: "—",
};

/** What happened, in words: lateness in minutes, the reason given, the provider's own code, a correction. */
export function happenedText(line: SessionLine): string {
  const parts = [happenedWords[line.happened]];
  if (line.happened === "late" && line.lateMinutes !== undefined) parts[0] = `Late (${line.lateMinutes} min)`;
  if (line.reasonGiven) parts.push(`reason given: ${line.reasonGiven}`);
  if (line.providerCode) parts.push(`provider's code ${line.providerCode}`);
  if (line.corrected) parts.push("corrected");
  return parts.join("; ");
}

/** The suggested register code as a code (or empty) and a note. */
export function suggestionText(s: SuggestedCode): { code: string; note: string } {
  switch (s.kind) {
    case "code":
      return { code: s.code, note: s.why };
    case "schoolDecides":
      return { code: "", note: `School decides (authorised or not). Reason given: ${s.reasonGiven || "none yet"}` };
    case "homeSchoolMark":
      return { code: "", note: "Expected at your school: your own register" };
    case "notYetRecorded":
      return { code: "", note: "Not yet recorded: the partnership is chasing the provider" };
  }
}

const whereText = (line: SessionLine) => `${placementLocationLabels[line.expectedAt]}${line.expectedAt === "alternativeProvision" && line.provider ? ` (${line.provider.name})` : ""}`;

function flagList(row: DigestRow): string[] {
  const f = row.flags;
  const out: string[] = [];
  if (f.severe) out.push("Severe absence (50% or more)");
  else if (f.persistent) out.push("Persistent absence (10% or more)");
  if (f.penaltyNoticeTrigger) out.push(`${f.unauthorisedInTenWeeks} unauthorised sessions in 10 school weeks`);
  if (f.fifteenDaysAbsence) out.push(`${f.daysAbsent} days' absence: report to the local authority`);
  return out;
}

export const DIGEST_CSV_COLUMNS = [
  "Date", "Session", "CaseRef", "UPN", "Surname", "Forename", "YearGroup", "ExpectedAt", "Provider", "WhatHappened", "MinutesLate", "ReasonGiven",
  "ProviderCode", "SuggestedCode", "Suggestion", "Corrected", "PlacementAttendancePct", "PlacementAbsencePct", "TermAttendancePct", "TermAbsencePct",
  "PersistentAbsence", "SevereAbsence", "UnauthorisedIn10SchoolWeeks", "TenUnauthorisedIn10Weeks", "DaysAbsent", "FifteenDaysAbsence",
] as const;

/**
 * The digest's CSV for the school's MIS: one line per pupil and session, the same facts as the email. Every cell
 * quoted, and cells a spreadsheet would run as a formula prefixed with an apostrophe (see `csvCell`).
 */
export function digestCsv(rows: readonly DigestRow[]): string {
  const lines: string[] = [csvRow(DIGEST_CSV_COLUMNS)];
  const yn = (b: boolean) => (b ? "Y" : "N");
  const num = (n: number | undefined) => (n === undefined ? "" : String(n));
  for (const row of rows) {
    for (const line of [row.am, row.pm]) {
      const s = suggestionText(line.suggested);
      const p = row.placement;
      lines.push(
        [
          line.date, line.session, p.caseRef, p.pupil.upn ?? "", p.pupil.lastName ?? "", p.pupil.firstName ?? "", num(p.pupil.yearGroup), placementLocationLabels[line.expectedAt],
          line.provider?.name ?? "", happenedWords[line.happened], num(line.lateMinutes), line.reasonGiven ?? "", line.providerCode ?? "", s.code, s.note, yn(line.corrected),
          num(row.thisPlacement.attendancePercent), num(row.thisPlacement.absencePercent), num(row.thisTerm.attendancePercent), num(row.thisTerm.absencePercent),
          yn(row.flags.persistent), yn(row.flags.severe), String(row.flags.unauthorisedInTenWeeks), yn(row.flags.penaltyNoticeTrigger), String(row.flags.daysAbsent), yn(row.flags.fifteenDaysAbsence),
        ].map((cell) => csvCell(cell)).join(","),
      );
    }
  }
  return `${lines.join("\r\n")}\r\n`;
}


/**
 * The end-of-day digest for one school: to its attendance lead, and its DSL too when a pupil is flagged. The
 * subject names the school, the day and the reference token only; the body and CSV name the school's own pupils.
 *
 * @example
 * digestMail(school, "2026-11-23", rows, "Lakeside North Inclusion Partnership").subject
 * // "Daily attendance 2026-11-23: Oakfield Academy (ref ATT-120345-20261123-D)"
 */
export function digestMail(school: SchoolsRow, day: string, rows: readonly DigestRow[], partnershipName: string): OutgoingMail {
  const e = escapeHtml;
  const flagged = rows.some((r) => r.flagged);
  const body = rows
    .map((row) => {
      const flags = flagList(row);
      const earlier = row.notYetRecorded.filter((l) => l.date < day);
      const sessionRow = (line: SessionLine) => {
        const s = suggestionText(line.suggested);
        return `<tr><td>${line.session}</td><td>${e(whereText(line))}</td><td>${e(happenedText(line))}</td><td><b>${e(s.code || "–")}</b> ${e(s.note)}</td></tr>`;
      };
      return [
        `<h3>${e(pupilName(row.placement))} — UPN ${e(row.placement.pupil.upn ?? "not held")}, Year ${e(String(row.placement.pupil.yearGroup ?? "?"))} (${e(row.placement.caseRef)}, basis ${row.placement.basis})</h3>`,
        `<table border="1" cellpadding="4"><tr><th>Session</th><th>Expected at</th><th>What happened</th><th>Suggested code</th></tr>${sessionRow(row.am)}${sessionRow(row.pm)}</table>`,
        `<p>Attendance this placement: <b>${pct(row.thisPlacement)}</b> (${row.thisPlacement.possible} possible sessions); this term: <b>${pct(row.thisTerm)}</b>. Unauthorised sessions in the last 10 school weeks (recorded codes only): ${row.flags.unauthorisedInTenWeeks}.${row.flags.absentAwaitingCodeInTenWeeks ? ` Absences with no code yet, for you to decide: ${row.flags.absentAwaitingCodeInTenWeeks}.` : ""} Days absent this placement: ${row.flags.daysAbsent}. Sessions the provider has not recorded count in none of these.</p>`,
        flags.length ? `<p><b>Flags:</b> ${flags.map(e).join("; ")}</p>` : "",
        earlier.length || row.olderNotYetRecorded
          ? `<p>Earlier sessions not yet recorded by the provider: ${[...earlier.map((l) => `${l.date} ${l.session}`), ...(row.olderNotYetRecorded ? [`${row.olderNotYetRecorded} more before ${earlier[0]?.date ?? "the last ten school days"}`] : [])].join(", ")}. The partnership is chasing them.</p>`
          : "",
      ].join("");
    })
    .join("");
  return {
    to: [school.AttendanceLeadEmail],
    ...(flagged ? { cc: [school.DslEmail] } : {}),
    subject: `Daily attendance ${day}: ${school.SchoolName} (ref ${attendanceToken(school.Urn, day, "digest")})`,
    html:
      `<p>${e(partnershipName)}: your pupils' sessions on ${e(longDay(day))}, with the code we suggest for your register. ` +
      `An absence keeps the reason given: you decide whether it is authorised. The attached CSV has the same lines for your MIS.</p>` +
      body +
      (flagged ? `<p>Your DSL is copied in because at least one pupil is flagged.</p>` : ""),
    attachments: [{ name: `attendance-${school.Urn}-${day}.csv`, contentType: "text/csv", contentBytes: Buffer.from(digestCsv(rows), "utf8") }],
  };
}

/**
 * The morning alert for one school: its pupils absent or not yet marked in the AM session. To the attendance
 * lead only.
 *
 * @example
 * alertMail(school, "2026-11-23", lines, name).subject // "Morning attendance alert 2026-11-23: Oakfield Academy (ref ATT-120345-20261123-A)"
 */
export function alertMail(school: SchoolsRow, day: string, lines: readonly { placement: PupilPlacement; line: SessionLine }[], partnershipName: string): OutgoingMail {
  const e = escapeHtml;
  const rows = lines
    .map(({ placement, line }) => `<tr><td>${e(pupilName(placement))}</td><td>${e(placement.pupil.upn ?? "")}</td><td>${e(placement.caseRef)}</td><td>${e(whereText(line))}</td><td>${e(happenedText(line))}</td></tr>`)
    .join("");
  return {
    to: [school.AttendanceLeadEmail],
    subject: `Morning attendance alert ${day}: ${school.SchoolName} (ref ${attendanceToken(school.Urn, day, "alert")})`,
    html:
      `<p>${e(partnershipName)}: these pupils were absent, or have not yet been marked, in this morning's session on ${e(longDay(day))}, so you can make your first-day call.</p>` +
      `<table border="1" cellpadding="4"><tr><th>Pupil</th><th>UPN</th><th>Case</th><th>Expected at</th><th>AM session</th></tr>${rows}</table>`,
  };
}

/**
 * The chase to a provider (or, for the centre and providers with no address, the Coordinator): sessions not yet
 * recorded, by case reference and year group only.
 *
 * @example
 * chaseMail(riverside, "office@riverside.example", "2026-11-23", sessions, name).subject // "Session marks not yet recorded, 2026-11-23 (ref ATT-riverside-20261123-C)"
 */
export function chaseMail(providerId: string, provider: Provider | undefined, to: string, day: string, sessions: readonly (SessionLine & { caseRef: string; yearGroup?: number | undefined })[], partnershipName: string): OutgoingMail {
  const e = escapeHtml;
  const rows = [...sessions]
    .sort((a, b) => a.caseRef.localeCompare(b.caseRef) || a.date.localeCompare(b.date) || a.session.localeCompare(b.session))
    .map((s) => `<tr><td>${e(s.caseRef)}</td><td>${e(String(s.yearGroup ?? ""))}</td><td>${s.date}</td><td>${s.session}</td></tr>`)
    .join("");
  const who = provider ? provider.name : providerId === "centre" ? "the partnership centre" : providerId;
  return {
    to: [to],
    subject: `Session marks not yet recorded, ${day} (ref ${attendanceToken(providerId, day, "chase")})`,
    html:
      `<p>${e(partnershipName)}: these sessions at ${e(who)} have not been recorded by the register cut-off. Please record them today; ` +
      `the pupils' schools are told they are not yet recorded.</p><table border="1" cellpadding="4"><tr><th>Case</th><th>Year</th><th>Date</th><th>Session</th></tr>${rows}</table>`,
  };
}
