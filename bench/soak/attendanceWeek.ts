import type { LocalSystem } from "../../sandbox/localSystem";
import type { MailArea } from "../../sandbox/graph/areas/mail";
import { defaultKeys } from "../../sandbox/host/host";
import { demoSchools } from "../../sandbox/demo/demoTenant";
import { addDays, isSchoolDay, londonTime, schoolCalendarFor, shippedCalendars, type Day } from "../../src/domain/calendar";
import type { ProviderMark } from "../../src/domain/attendance";
import { CENTRE_PROVIDER_ID, placementProviderIds, weeklyPatternSchema } from "../../src/domain/placement";
import { providerKeys, tableStore } from "../../src/m365/tables";
import { loadSettings } from "../../src/settings/settings";
import { composeApp } from "../../src/app/composition";
import { runDueAttendanceRounds } from "../../src/workflows/attendance/attendanceTimer";
import type { Mailer } from "../../src/m365/outlook/mail";
import { retrying } from "./support";

export interface PlacedPupil {
  caseRef: string;
  schoolUrn: string;
  startDate: Day;
  /** The provider who sends the pupil's marks: one its placement's pattern names (see `markingProvider`). */
  providerId: string;
}

/**
 * Who sends a placed pupil's marks: the alternative provider its weekly pattern names, else the partnership's centre
 * (the marks endpoint takes a provider's marks only for its own pupils).
 *
 * @example
 * markingProvider('{"mon":{"location":"alternativeProvision","provider":{"id":"riverside",…}},…}') // "riverside"
 * markingProvider("not a pattern") // "centre"
 */
export function markingProvider(pattern: unknown): string {
  try {
    const parsed = weeklyPatternSchema.safeParse(JSON.parse(String(pattern)));
    const ids = parsed.success ? [...placementProviderIds(parsed.data)].sort() : [];
    return ids.find((id) => id !== CENTRE_PROVIDER_ID) ?? ids[0] ?? CENTRE_PROVIDER_ID;
  } catch {
    return CENTRE_PROVIDER_ID;
  }
}

export interface AttendanceWeekResult {
  days: Day[];
  marksRecorded: number;
  /** (school, day) pairs whose attendance lead should have had the day's digest. */
  digestsExpected: number;
  digestsReceived: number;
  /** Expected digests that never arrived. */
  lost: number;
  roundsKilled: number;
}

/** Session `n` of the week: mostly present, some late, some absent (with no free text about the pupil). */
function markFor(caseRef: string, day: Day, session: "AM" | "PM", n: number): ProviderMark {
  const base = { caseRef, date: day, session };
  if (n % 11 === 0) return { ...base, happened: "absent", reasonGiven: "Parent phoned" };
  if (n % 7 === 0) return { ...base, happened: "late", lateMinutes: 20 };
  return { ...base, happened: "attended" };
}

/**
 * A week of attendance for the placed pupils, from the first school day every placement has started: each school
 * day each provider sends its own pupils' morning marks with its own key (POST /api/attendance/marks), the morning
 * alert round runs at 10:10 UK time, the afternoon's marks follow and the digest round runs at 16:40 — the
 * attendance timer's own work (`runDueAttendanceRounds` with the app's wiring), each run with a fresh paced sender
 * as the timer's is. On the third day the digest round dies after its first message (a worker killed mid-send) and
 * the next run finishes it.
 * Counts each school's digests in its attendance lead's mailbox.
 *
 * @example
 * await attendanceWeek(system, mail, placed) // { days: ["2026-11-30", …], digestsExpected: 45, digestsReceived: 45, lost: 0, … }
 */
export async function attendanceWeek(system: LocalSystem, mail: MailArea, placed: readonly PlacedPupil[], log: (m: string) => void): Promise<AttendanceWeekResult> {
  const settings = loadSettings(system.env);
  const calendar = schoolCalendarFor(shippedCalendars[settings.PARTNERSHIP_CALENDAR]!);
  const days: Day[] = [];
  let day = placed.reduce((max, p) => (p.startDate > max ? p.startDate : max), placed[0]?.startDate ?? "");
  while (days.length < 5 && day) {
    if (isSchoolDay(calendar, day)) days.push(day);
    day = addDays(day, 1);
  }
  const times = { alert: settings.ATTENDANCE_ALERT_TIME, digest: settings.ATTENDANCE_DIGEST_TIME };
  const app = composeApp(settings, { teams: undefined });
  const roundPorts = () => ({ ...app.ports.attendanceRounds(), log: () => undefined });
  // Each provider sends its own pupils' marks with its own key, as the partnership issues one (npm run provider-key).
  const keys = providerKeys(tableStore(settings.AzureWebJobsStorage, "ProviderKeys"));
  const providerKeyOf = new Map<string, string>();
  for (const id of new Set(placed.map((p) => p.providerId))) providerKeyOf.set(id, await keys.issue(id, new Date()));
  let marksRecorded = 0;
  let roundsKilled = 0;
  const send = async (day: Day, session: "AM" | "PM", dayIndex: number) => {
    for (const [providerId, providerKey] of providerKeyOf) {
      const all = placed.flatMap((p, i) => (p.providerId === providerId ? [markFor(p.caseRef, day, session, i * 10 + dayIndex * 2 + (session === "PM" ? 1 : 0))] : []));
      for (let from = 0; from < all.length; from += 100) await sendBatch(all.slice(from, from + 100), day, session, providerKey);
    }
  };
  const sendBatch = async (marks: ProviderMark[], day: Day, session: "AM" | "PM", providerKey: string) => {
    const res = await retrying(() => fetch(`${system.host.url}/api/attendance/marks`, { method: "POST", headers: { "content-type": "application/json", "x-functions-key": defaultKeys.functionKey, "x-provider-key": providerKey }, body: JSON.stringify({ marks }) }));
    const body = await res.text();
    if (res.status !== 200) throw new Error(`The provider's ${session} marks for ${day} were answered ${res.status}: ${body.slice(0, 500)}`);
    marksRecorded += (JSON.parse(body) as { results: { outcome: string }[] }).results.filter((r) => r.outcome !== "unchanged").length;
  };
  for (const [i, d] of days.entries()) {
    await send(d, "AM", i);
    await runDueAttendanceRounds(roundPorts(), londonTime(d, "10:10"), times);
    await send(d, "PM", i);
    if (i === 2) {
      const dying = roundPorts();
      let sent = 0;
      const mailer: Mailer = {
        send: async (m) => {
          if (sent++ >= 1) throw new Error("the worker was killed");
          return dying.mailer.send(m);
        },
      };
      await runDueAttendanceRounds({ ...dying, mailer }, londonTime(d, "16:40"), times).catch(() => undefined);
      roundsKilled++;
    }
    await runDueAttendanceRounds(roundPorts(), londonTime(d, "16:50"), times);
    log(`attendance ${d}: ${placed.length * 2} marks sent, rounds run`);
  }

  const schools = [...new Set(placed.map((p) => p.schoolUrn))].map((urn) => demoSchools.find((s) => s.Urn === urn)!);
  let expected = 0;
  let received = 0;
  let lost = 0;
  for (const school of schools) {
    for (const d of days) {
      expected++;
      const got = mail.inbox(school.AttendanceLeadEmail).filter((m) => m.subject.startsWith(`Daily attendance ${d}:`)).length;
      received += got;
      if (got === 0) lost++;
    }
  }
  return { days, marksRecorded, digestsExpected: expected, digestsReceived: received, lost, roundsKilled };
}
