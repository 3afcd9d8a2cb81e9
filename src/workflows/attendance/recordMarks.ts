import { z } from "zod";
import { markKeyOf, providerMarkSchema, sameMark, type MarkInput } from "../../domain/attendance";
import { placementProviderIds } from "../../domain/placement/providers";
import { weeklyPatternSchema } from "../../domain/placement/weeklyPattern";
import type { ProviderKeys } from "../../m365/tables/providerKeys";
import type { AttendanceRow, PlacementsRow } from "../../domain/lists";
import type { EffectLedger } from "../../m365/tables/effectLedger";
import { titleIs, type ListItems } from "../../m365/sharepoint/items";
import { marksOfCaseOnDay, markRow } from "./markItems";

/**
 * At most this many marks in one request: each is written (and checked) through Graph, and a request must finish well
 * inside the HTTP timeout; a provider's day for many pupils goes in several requests.
 */
export const MAX_MARKS_PER_REQUEST = 100;

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
  | { status: 400 | 401; error: string }
  | { status: 422; problems: MarkProblem[] }
  | { status: 200; results: { row: number; markKey: string; outcome: MarkOutcome }[] };

export interface RecordMarksPorts {
  attendance: ListItems<AttendanceRow>;
  placements: ListItems<PlacementsRow>;
  ledger: EffectLedger;
  /** Which provider a key belongs to (`npm run provider-key`). */
  providers: Pick<ProviderKeys, "identify">;
  now: () => Date;
}

/** The header a provider's flow sends its key in (beside the function key). */
export const PROVIDER_KEY_HEADER = "x-provider-key";

/**
 * Session marks from a provider's spreadsheet flow, all or nothing. The provider is who its key says (401 without
 * a key the app issued): it records marks only for the pupils whose placement names it (the partnership's centre
 * key: the placements with centre days), and every mark it writes is recorded by it — never by a name in the body.
 * Every row is checked first (its shape, the provider's code against what happened, the case having a placement
 * with this provider that day, one mark per session in the request); any problem → 422 listing each by row and
 * field, and nothing is written. At most 100 marks a request. Then each mark is written once:
 *
 * - the same mark again (a repeated request) → `unchanged`, nothing written;
 * - a different mark for a session already recorded → a new version with `CorrectionOf` naming the one it
 *   corrects (`corrected`): nothing is overwritten, and the latest version counts in every report;
 * - each version's item is created at most once (effect ledger, key = the mark's key), so a retried request
 *   after a timeout never writes it twice.
 *
 * @example
 * await recordMarks(ports, { marks: [{ caseRef: "LNCIP-2026-0042", date: "2026-11-23", session: "AM", happened: "attended" }] }, riversideKey)
 * // { status: 200, results: [{ row: 1, markKey: "LNCIP-2026-0042:2026-11-23:AM:1", outcome: "recorded" }] }
 */
export async function recordMarks(ports: RecordMarksPorts, body: unknown, providerKey: string | null | undefined): Promise<RecordMarksAnswer> {
  const caller = providerKey ? await ports.providers.identify(providerKey.trim()) : undefined;
  if (!caller) return { status: 401, error: `Send your provider key in the ${PROVIDER_KEY_HEADER} header: the partnership issues one to each provider.` };
  const recordedBy = `${caller.providerId} (provider key)`;
  const batch = markBatchSchema.safeParse(body);
  if (!batch.success) return { status: 400, error: `Expected {"marks": [ … ]}: ${batch.error.issues.map((i) => i.message).join("; ")}` };

  const problems: MarkProblem[] = [];
  const marks: { row: number; mark: MarkInput }[] = [];
  const seen = new Map<string, number>();
  batch.data.marks.forEach((raw, i) => {
    const row = i + 1;
    const parsed = providerMarkSchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push({ row, field: issue.path.join(".") || "(mark)", message: issue.message });
      return;
    }
    const { recordedBy: _never, ...given } = parsed.data;
    const mark: MarkInput = { ...given, recordedBy };
    const key = `${mark.caseRef}:${mark.date}:${mark.session}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) problems.push({ row, field: "session", message: `row ${earlier} already marks ${mark.session} on ${mark.date} for ${mark.caseRef}` });
    seen.set(key, row);
    marks.push({ row, mark });
  });

  const placementDays = await placementsOf(ports.placements, [...new Set(marks.map((m) => m.mark.caseRef))]);
  for (const { row, mark } of marks) {
    const spans = placementDays.get(mark.caseRef) ?? [];
    // One answer whether the case has no placement that day or its placement is with another provider: a provider
    // learns nothing of pupils that are not its own.
    if (!spans.some((s) => s.start <= mark.date && (s.end === undefined || s.end >= mark.date) && s.providers.has(caller.providerId))) {
      problems.push({ row, field: "caseRef", message: `case ${mark.caseRef} has no placement with you running on ${mark.date}` });
    }
  }
  if (problems.length) return { status: 422, problems: problems.sort((a, b) => a.row - b.row) };

  const results: { row: number; markKey: string; outcome: MarkOutcome }[] = [];
  for (const { row, mark } of marks) results.push({ row, ...(await writeMark(ports, mark)) });
  return { status: 200, results };
}

type PlacementSpan = { start: string; end?: string | undefined; providers: Set<string> };

async function placementsOf(placements: ListItems<PlacementsRow>, caseRefs: readonly string[]): Promise<Map<string, PlacementSpan[]>> {
  const out = new Map<string, PlacementSpan[]>();
  for (const caseRef of caseRefs) {
    for (const { row } of await placements.all({ filter: titleIs(caseRef) })) {
      if (row.PlacementStatus === "settingUp") continue;
      out.set(caseRef, [...(out.get(caseRef) ?? []), { start: row.StartDate, end: row.EndDate, providers: providersOf(row.Pattern) }]);
    }
  }
  return out;
}

/** The providers a placement's pattern names (none when the pattern cannot be read: no provider may mark it). */
function providersOf(pattern: string): Set<string> {
  try {
    const parsed = weeklyPatternSchema.safeParse(JSON.parse(pattern));
    return parsed.success ? placementProviderIds(parsed.data) : new Set();
  } catch {
    return new Set();
  }
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
