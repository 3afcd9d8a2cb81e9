import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { z } from "zod";
import { londonDay, partnershipCalendarSchema, schoolCalendarFor, shippedCalendars, type PartnershipCalendar } from "../src/domain/calendar";
import { casesList, fromListFields, placementsList, qualificationsList, reviewsList, type ListDefinition } from "../src/domain/lists";
import { progressSummary, reportCaseSchema } from "../src/domain/reports";
import { progressSummaryHtml } from "../src/reports/progressSummaryHtml";
import { progressSummaryJson } from "../src/reports/progressSummaryJson";

/**
 * npm run report:progress -- --year 2025/26 --input rows.json [--out reports] [--today yyyy-MM-dd] [--name "…"]
 *                                          [--calendar leicestershire | --calendar-file calendar.json]
 *
 * Writes the annual Progress & Achievement summary for an academic year as `<out>/progress-summary-2025-26.html`
 * (for parents and partners) and `.json` (exactly the issue's keys). The rows come from a JSON file holding the
 * lists' items as Graph returns them — `{ "Cases": [...], "Placements": [...], "Reviews": [...], "Qualifications":
 * [...] }`, each entry an item (`{ fields: {...} }`) or its `fields` — parsed with the lists' own schemas; a bad row
 * stops the report and writes nothing. `--sandbox` (reading the lists from the running sandbox) waits for the
 * list-reading wiring. Gaps worth filling before publishing are printed (case references only).
 */
const usage =
  'npm run report:progress -- --year 2025/26 --input rows.json [--out reports] [--today yyyy-MM-dd] [--name "Partnership name"] [--calendar id | --calendar-file file.json]';

const argsSchema = z.object({
  year: z.string({ error: "--year is required, e.g. --year 2025/26" }).regex(/^\d{4}\/\d{2}$/, "--year: expected an academic year such as 2025/26")
    .refine((y) => (Number(y.slice(0, 4)) + 1) % 100 === Number(y.slice(5)), "--year: the second year must follow the first, as in 2025/26"),
  input: z.string().min(1).optional(),
  out: z.string().min(1).default("reports"),
  today: z.iso.date("--today: expected a date as yyyy-MM-dd").optional(),
  name: z.string().trim().min(1).max(200).optional(),
  calendar: z.string().min(1).default("leicestershire"),
  calendarFile: z.string().min(1).optional(),
  sandbox: z.boolean(),
});

const itemsSchema = z.array(z.union([z.object({ fields: z.record(z.string(), z.unknown()) }).transform((i) => i.fields), z.record(z.string(), z.unknown())]));
const inputSchema = z.object({
  Cases: itemsSchema.default([]),
  Placements: itemsSchema.default([]),
  Reviews: itemsSchema.default([]),
  Qualifications: itemsSchema.default([]),
});

export interface ReportIo {
  cwd: string;
  now: Date;
  env: Record<string, string | undefined>;
  log(line: string): void;
}

/** Runs the command; returns the exit code (0 written, 1 bad input, 2 usage). */
export function reportProgress(argv: readonly string[], io: ReportIo): number {
  const value = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const withValue = ["--year", "--input", "--out", "--today", "--name", "--calendar", "--calendar-file"];
  const unknown = argv.filter((a, i) => a.startsWith("--") && !withValue.includes(a) && a !== "--sandbox" && !withValue.includes(argv[i - 1] ?? ""));
  if (unknown.length) return fail(io, 2, `Unknown option ${unknown.join(", ")}.\nUsage: ${usage}`);
  const parsed = argsSchema.safeParse({
    year: value("--year"),
    input: value("--input"),
    out: value("--out"),
    today: value("--today"),
    name: value("--name"),
    calendar: value("--calendar"),
    calendarFile: value("--calendar-file"),
    sandbox: argv.includes("--sandbox"),
  });
  if (!parsed.success) return fail(io, 2, `${parsed.error.issues.map((i) => i.message).join("\n")}\nUsage: ${usage}`);
  const args = parsed.data;
  if (args.sandbox) return fail(io, 2, "Reading the rows from the sandbox's lists is not wired yet: export the lists' items to a JSON file and pass --input.");
  if (!args.input) return fail(io, 2, `--input is required (the lists' rows as JSON).\nUsage: ${usage}`);

  let calendar: PartnershipCalendar | undefined;
  try {
    calendar = args.calendarFile ? partnershipCalendarSchema.parse(JSON.parse(readFileSync(resolve(io.cwd, args.calendarFile), "utf8"))) : shippedCalendars[args.calendar];
  } catch (err) {
    return fail(io, 1, `The calendar file could not be read: ${(err as Error).message}`);
  }
  if (!calendar) return fail(io, 2, `No shipped calendar "${args.calendar}" (known: ${Object.keys(shippedCalendars).join(", ")}).`);

  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(resolve(io.cwd, args.input), "utf8"));
  } catch (err) {
    return fail(io, 1, `The input ${args.input} could not be read as JSON: ${(err as Error).message}`);
  }
  const input = inputSchema.safeParse(raw);
  if (!input.success) return fail(io, 1, `The input ${args.input} is not { Cases, Placements, Reviews, Qualifications } lists of items: ${input.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);

  const problems: string[] = [];
  const rows = <S extends z.ZodObject>(list: ListDefinition<S>, items: Record<string, unknown>[]) =>
    items.flatMap((fields, i) => {
      const r = fromListFields(list, fields);
      if (!r.ok) problems.push(`${list.name}[${i}]: ${r.problems.join("; ")}`);
      return r.ok ? [r.row] : [];
    });
  const cases = rows(casesList, input.data.Cases).flatMap((row, i) => {
    const c = reportCaseSchema.safeParse(row);
    if (!c.success) problems.push(`Cases[${i}]: ${c.error.issues.map((x) => `${x.path.join(".")}: ${x.message}`).join("; ")}`);
    return c.success ? [c.data] : [];
  });
  const placements = rows(placementsList, input.data.Placements);
  const reviews = rows(reviewsList, input.data.Reviews);
  const qualifications = rows(qualificationsList, input.data.Qualifications);
  if (problems.length) return fail(io, 1, `Nothing written: some rows are not valid.\n${problems.join("\n")}`);

  const today = args.today ?? londonDay(io.now);
  const { summary, gaps } = progressSummary({ academicYear: args.year, calendar: schoolCalendarFor(calendar), today, cases, placements, reviews, qualifications });
  const name = args.name ?? io.env.PARTNERSHIP_NAME ?? "Inclusion Partnership";
  const out = resolve(io.cwd, args.out);
  mkdirSync(out, { recursive: true });
  const base = join(out, `progress-summary-${args.year.replace("/", "-")}`);
  writeFileSync(`${base}.html`, progressSummaryHtml(summary, { partnershipName: name, producedOn: today }));
  writeFileSync(`${base}.json`, progressSummaryJson(summary));
  io.log(`Wrote ${base}.html and ${base}.json (${summary.ks4.year11Leavers} Year 11 leavers, ${summary.ks3.english.students} in English and ${summary.ks3.maths.students} in maths tuition at KS3).`);
  if (gaps.length) io.log(`Worth filling in before publishing:\n${gaps.map((g) => `  - ${g}`).join("\n")}`);
  return 0;
}

function fail(io: ReportIo, code: number, message: string): number {
  io.log(message);
  return code;
}

if (require.main === module) {
  process.exitCode = reportProgress(process.argv.slice(2), { cwd: process.cwd(), now: new Date(), env: process.env, log: (l) => console.log(l) });
}
