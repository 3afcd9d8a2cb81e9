import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { z } from "zod";
import { composeApp } from "../src/app/composition";
import { loadSettings, SettingsError } from "../src/settings/settings";
import { publishProgressSummary, produceProgressSummary, type ProducedSummary } from "../src/workflows/reports/progressSummaryRound";
import type { SavedFile } from "../src/m365/sharepoint/documentLibrary";
import { londonDay, partnershipCalendarSchema, schoolCalendarFor, shippedCalendars, type PartnershipCalendar } from "../src/domain/calendar";
import { casesList, fromListFields, placementsList, qualificationsList, reviewsList, type ListDefinition } from "../src/domain/lists";
import { progressSummary, reportCaseSchema } from "../src/domain/reports";
import { progressSummaryHtml } from "../src/reports/progressSummaryHtml";
import { progressSummaryJson } from "../src/reports/progressSummaryJson";

/**
 * npm run report:progress -- --year 2025/26 [--input rows.json] [--out reports] [--today yyyy-MM-dd] [--name "…"]
 *                                          [--calendar leicestershire | --calendar-file calendar.json]
 *                                          [--sandbox] [--no-publish]
 *
 * Writes the annual Progress & Achievement summary for an academic year as `<out>/progress-summary-2025-26.html`
 * (for parents and partners) and `.json` (exactly the issue's keys).
 *
 * Without --input it reads the partnership's lists through Graph, as the app does — with the app's settings from
 * the environment, then local.settings.json, then local.settings.example.json (the local sandbox that `npm start`
 * runs: `--sandbox` uses the example settings only) — and publishes it as the September timer does: both files
 * saved to the Reports library on the partnership site and the summary sent to the Director (once per set of
 * figures). `--no-publish` writes the local files only.
 *
 * With --input the rows come from a JSON file holding the lists' items as Graph returns them — `{ "Cases": [...],
 * "Placements": [...], "Reviews": [...], "Qualifications": [...] }`, each entry an item (`{ fields: {...} }`) or its
 * `fields` — parsed with the lists' own schemas; a bad row stops the report and writes nothing; nothing is published.
 * Gaps worth filling before publishing are printed (case references only).
 */
const usage =
  'npm run report:progress -- --year 2025/26 [--input rows.json] [--out reports] [--today yyyy-MM-dd] [--name "Partnership name"] [--calendar id | --calendar-file file.json] [--sandbox] [--no-publish]';

const argsSchema = z.object({
  year: z.string({ error: "--year is required, e.g. --year 2025/26" }).regex(/^\d{4}\/\d{2}$/, "--year: expected an academic year such as 2025/26")
    .refine((y) => (Number(y.slice(0, 4)) + 1) % 100 === Number(y.slice(5)), "--year: the second year must follow the first, as in 2025/26"),
  input: z.string().min(1).optional(),
  out: z.string().min(1).default("reports"),
  today: z.iso.date("--today: expected a date as yyyy-MM-dd").optional(),
  name: z.string().trim().min(1).max(200).optional(),
  calendar: z.string().min(1).optional(),
  calendarFile: z.string().min(1).optional(),
  sandbox: z.boolean(),
  publish: z.boolean(),
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

/** Runs the command; returns the exit code (0 written, 1 bad input or the lists could not be read, 2 usage). */
export async function reportProgress(argv: readonly string[], io: ReportIo): Promise<number> {
  const value = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const withValue = ["--year", "--input", "--out", "--today", "--name", "--calendar", "--calendar-file"];
  const unknown = argv.filter((a, i) => a.startsWith("--") && !withValue.includes(a) && a !== "--sandbox" && a !== "--no-publish" && !withValue.includes(argv[i - 1] ?? ""));
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
    publish: !argv.includes("--no-publish"),
  });
  if (!parsed.success) return fail(io, 2, `${parsed.error.issues.map((i) => i.message).join("\n")}\nUsage: ${usage}`);
  const args = parsed.data;
  if (args.input && args.sandbox) return fail(io, 2, `--sandbox reads the lists through Graph: leave out --input.\nUsage: ${usage}`);
  if (!args.input) return fromLists(args, io);

  const calendar = loadCalendar(args, io, "leicestershire");
  if (typeof calendar === "number") return calendar;

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

/**
 * The app's settings for the script: the environment, then local.settings.json (as the Functions host reads it),
 * then the example settings (the local sandbox); `sandboxOnly`: the example settings alone.
 */
function appSettings(io: ReportIo, sandboxOnly: boolean) {
  const read = (file: string) => (existsSync(file) ? ((JSON.parse(readFileSync(file, "utf8")) as { Values?: Record<string, string> }).Values ?? {}) : {});
  const example = read(join(__dirname, "..", "..", "local.settings.example.json"));
  const fallback = Object.keys(example).length ? example : read(join(__dirname, "..", "local.settings.example.json"));
  if (sandboxOnly) return loadSettings(fallback);
  const local = read(join(io.cwd, "local.settings.json"));
  const env = Object.fromEntries(Object.entries(io.env).filter(([, v]) => v !== undefined && v !== "")) as Record<string, string>;
  return loadSettings({ ...fallback, ...local, ...env });
}

/** Reads the lists through Graph, writes the local files and (unless --no-publish) publishes the summary. */
async function fromLists(args: z.output<typeof argsSchema>, io: ReportIo): Promise<number> {
  let settings;
  try {
    settings = appSettings(io, args.sandbox);
  } catch (e) {
    if (e instanceof SettingsError) return fail(io, 1, e.message);
    throw e;
  }
  const now = args.today ? new Date(`${args.today}T12:00:00Z`) : io.now;
  const app = composeApp(args.name ? { ...settings, PARTNERSHIP_NAME: args.name } : settings, { now: () => now, log: () => undefined });
  // The partnership's calendar (PARTNERSHIP_CALENDAR) unless --calendar or --calendar-file names another.
  const chosen = args.calendar || args.calendarFile ? loadCalendar(args, io, settings.PARTNERSHIP_CALENDAR) : undefined;
  if (typeof chosen === "number") return chosen;
  const ports = chosen ? { ...app.ports.reports, calendar: schoolCalendarFor(chosen) } : app.ports.reports;
  io.log(`Reading the lists of ${settings.SHAREPOINT_SITE} through ${settings.GRAPH_BASE_URL}…`);
  let produced: ProducedSummary & { saved?: SavedFile[]; sent?: boolean };
  try {
    produced = args.publish ? await publishProgressSummary(ports, args.year) : await produceProgressSummary(ports, args.year, londonDay(now));
  } catch (e) {
    return fail(io, 1, `The summary could not be produced: ${e instanceof Error ? e.message : String(e)}`);
  }
  const out = resolve(io.cwd, args.out);
  mkdirSync(out, { recursive: true });
  const base = join(out, produced.baseName);
  writeFileSync(`${base}.html`, produced.html);
  writeFileSync(`${base}.json`, produced.json);
  const { summary, gaps, problems } = produced;
  io.log(`Wrote ${base}.html and ${base}.json (${summary.ks4.year11Leavers} Year 11 leavers, ${summary.ks3.english.students} in English and ${summary.ks3.maths.students} in maths tuition at KS3).`);
  if (produced.saved) {
    io.log(`Saved to the ${settings.REPORTS_LIBRARY} library: ${produced.saved.map((f) => f.webUrl).join(", ")}`);
    io.log(produced.sent ? `Sent to the Director (${settings.DIRECTOR_EMAIL}).` : "The Director already has these figures: not sent again.");
  }
  if (problems.length) io.log(`Left out (a coordinator must correct them):\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  if (gaps.length) io.log(`Worth filling in before publishing:\n${gaps.map((g) => `  - ${g}`).join("\n")}`);
  return 0;
}

/** The calendar named by --calendar-file or --calendar (else `fallback`), or the exit code after saying why not. */
function loadCalendar(args: z.output<typeof argsSchema>, io: ReportIo, fallback: string): PartnershipCalendar | number {
  let calendar: PartnershipCalendar | undefined;
  try {
    calendar = args.calendarFile ? partnershipCalendarSchema.parse(JSON.parse(readFileSync(resolve(io.cwd, args.calendarFile), "utf8"))) : shippedCalendars[args.calendar ?? fallback];
  } catch (err) {
    return fail(io, 1, `The calendar file could not be read: ${(err as Error).message}`);
  }
  if (!calendar) return fail(io, 2, `No shipped calendar "${args.calendar ?? fallback}" (known: ${Object.keys(shippedCalendars).join(", ")}).`);
  return calendar;
}

function fail(io: ReportIo, code: number, message: string): number {
  io.log(message);
  return code;
}

if (require.main === module) {
  // Exit when done: the Graph and storage clients keep connections open.
  void reportProgress(process.argv.slice(2), { cwd: process.cwd(), now: new Date(), env: process.env, log: (l) => console.log(l) }).then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.log(e instanceof Error ? e.message : String(e));
      process.exit(1);
    },
  );
}
