import { z } from "zod";
import { markInputSchema, markKeyOf, sameMark, type MarkInput } from "../../domain/attendance";
import type { AttendanceRow, PlacementsRow } from "../../domain/lists";
import type { EffectLedger } from "../../m365/tables/effectLedger";
import { titleIs, type ListItems } from "../../m365/sharepoint/items";
import { marksOfCaseOnDay, markRow } from "./markItems";

/** At most this many marks in one request: a provider's day for a full centre is a few hundred. */
export const MAX_MARKS_PER_REQUEST = 500;

/**
 * The body of POST /api/attendance/marks: the marks themselves are checked row by row by `markInputSchema`.
 *
 * @example
 * markBatchSchema.parse({ marks: [{ caseRef: "LNCIP-2026-0042", … }] })
 */
export const markBatchSchema = z.object({ marks: z.array(z.unknown()).min(1, "send at least one mark").max(MAX_MARKS_PER_REQUEST, `send at most ${MAX_MARKS_PER_REQUEST} marks at once`) }).strict();

export interface MarkProblem {
  /** The mark's position in the request, counting from 1 (a spreadsheet's row order). */
  row: number;
  field: string;
  message: string;
}
export type MarkOutcome = "recorded" | "corrected" | "unchanged";
export type RecordMarksAnswer =
  | { status: 400; error: string }
  | { status: 422; problems: MarkProblem[] }
  | { status: 200; results: { row: number; markKey: string; outcome: MarkOutcome }[] };

export interface RecordMarksPorts {
  attendance: ListItems<AttendanceRow>;
  placements: ListItems<PlacementsRow>;
  ledger: EffectLedger;
  now: () => Date;
}

/**
 * Session marks from a provider's spreadsheet flow (or any caller with the function key), all or nothing:
 * every row is checked first (its shape, the provider's code against what happened, the case having a
 * placement that day, one mark per session in the request); any problem → 422 listing each by row and field,
 * and nothing is written. Then each mark is written once:
 *
 * - the same mark again (a repeated request) → `unchanged`, nothing written;
 * - a different mark for a session already recorded → a new version with `CorrectionOf` naming the one it
 *   corrects (`corrected`): nothing is overwritten, and the latest version counts in every report;
 * - each version's item is created at most once (effect ledger, key = the mark's key), so a retried request
 *   after a timeout never writes it twice.
 *
 * @example
 * await recordMarks(ports, { marks: [{ caseRef: "LNCIP-2026-0042", date: "2026-11-23", session: "AM", happened: "attended", recordedBy: "office@riverside.example" }] })
 * // { status: 200, results: [{ row: 1, markKey: "LNCIP-2026-0042:2026-11-23:AM:1", outcome: "recorded" }] }
 */
export async function recordMarks(ports: RecordMarksPorts, body: unknown): Promise<RecordMarksAnswer> {
  const batch = markBatchSchema.safeParse(body);
  if (!batch.success) return { status: 400, error: `Expected {"marks": [ … ]}: ${batch.error.issues.map((i) => i.message).join("; ")}` };

  const problems: MarkProblem[] = [];
  const marks: { row: number; mark: MarkInput }[] = [];
  const seen = new Map<string, number>();
  batch.data.marks.forEach((raw, i) => {
    const row = i + 1;
    const parsed = markInputSchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push({ row, field: issue.path.join(".") || "(mark)", message: issue.message });
      return;
    }
    const key = `${parsed.data.caseRef}:${parsed.data.date}:${parsed.data.session}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) problems.push({ row, field: "session", message: `row ${earlier} already marks ${parsed.data.session} on ${parsed.data.date} for ${parsed.data.caseRef}` });
    seen.set(key, row);
    marks.push({ row, mark: parsed.data });
  });

  const placementDays = await placementsOf(ports.placements, [...new Set(marks.map((m) => m.mark.caseRef))]);
  for (const { row, mark } of marks) {
    const spans = placementDays.get(mark.caseRef) ?? [];
    if (!spans.some((s) => s.start <= mark.date && (s.end === undefined || s.end >= mark.date))) {
      problems.push({ row, field: "caseRef", message: `case ${mark.caseRef} has no placement running on ${mark.date}` });
    }
  }
  if (problems.length) return { status: 422, problems: problems.sort((a, b) => a.row - b.row) };

  const results: { row: number; markKey: string; outcome: MarkOutcome }[] = [];
  for (const { row, mark } of marks) results.push({ row, ...(await writeMark(ports, mark)) });
  return { status: 200, results };
}

async function placementsOf(placements: ListItems<PlacementsRow>, caseRefs: readonly string[]): Promise<Map<string, { start: string; end?: string | undefined }[]>> {
  const out = new Map<string, { start: string; end?: string | undefined }[]>();
  for (const caseRef of caseRefs) {
    for (const { row } of await placements.all({ filter: titleIs(caseRef) })) {
      if (row.PlacementStatus === "settingUp") continue;
      out.set(caseRef, [...(out.get(caseRef) ?? []), { start: row.StartDate, end: row.EndDate }]);
    }
  }
  return out;
}

/** Writes one mark as the next version of its session (or nothing, when it repeats the latest). */
async function writeMark(ports: RecordMarksPorts, mark: MarkInput): Promise<{ markKey: string; outcome: MarkOutcome }> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const versions = (await marksOfCaseOnDay(ports.attendance, mark.caseRef, mark.date)).filter((m) => m.session === mark.session);
    const latest = versions.sort((a, b) => b.version - a.version || b.recordedAt.localeCompare(a.recordedAt))[0];
    if (latest && sameMark(latest, mark)) return { markKey: latest.markKey, outcome: "unchanged" };
    const version = (latest?.version ?? 0) + 1;
    const markKey = markKeyOf(mark.caseRef, mark.date, mark.session, version);
    const findByKey = async () => (await ports.attendance.readAll({ filter: titleIs(markKey) }))[0]?.id;
    await ports.ledger.once(`mark:${markKey}`, async () => (await ports.attendance.create(markRow(mark, version, latest?.markKey, ports.now()))).id, { alreadyDone: findByKey });
    // Another request may have taken this version for a different mark at the same moment: then go again.
    const written = (await marksOfCaseOnDay(ports.attendance, mark.caseRef, mark.date)).find((m) => m.markKey === markKey);
    if (written && sameMark(written, mark)) return { markKey, outcome: latest ? "corrected" : "recorded" };
  }
  throw new Error(`The mark for ${mark.caseRef} ${mark.date} ${mark.session} kept meeting other corrections; try again.`);
}
