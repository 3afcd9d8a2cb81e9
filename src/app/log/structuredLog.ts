import { z } from "zod";

/**
 * Structured logs: one JSON line per event with the invocation id and the case reference as correlation ids,
 * and nothing that identifies a pupil. Two rules make that hold whoever writes the log line:
 *
 * 1. Fields are a closed set, each with a schema (`logFieldSchemas`): a case reference must look like one, a
 *    school is a URN, a count is a number. A field not in the set, or a value that does not fit its schema, is
 *    never written — its key is listed under `refused` so the omission is visible.
 * 2. The message is scrubbed: anything shaped like a UPN, a date, an email address, a UK phone number or a
 *    postcode is replaced by `[removed]` (case references are kept: they are the point; so are the app's own
 *    identifiers that carry a working day, see `idsWithADay`).
 *
 * Messages should be constant text with values passed as fields; the scrub is the backstop, not the design.
 */

const CASE_REF = /^[A-Z]{2,10}-\d{4}-\d{4,}$/;
const word = (max: number) => z.string().max(max).regex(/^[A-Za-z][A-Za-z0-9 ._:/-]*$/);

/** Every field a log line may carry. Add here (with a schema as narrow as the value) before logging a new one. */
export const logFieldSchemas = {
  caseRef: z.string().regex(CASE_REF),
  responseId: z.string().max(200).regex(/^[A-Za-z0-9_.:-]+$/),
  subscriptionId: z.string().max(100).regex(/^[A-Za-z0-9-]+$/),
  list: z.enum(["Cases", "Schools", "Decisions", "Placements", "Reviews", "Attendance", "Meetings"]),
  queue: z.string().max(63).regex(/^[a-z0-9-]+$/),
  /** A school by its URN: never by a pupil. */
  school: z.string().regex(/^\d{6}$/),
  yearGroup: z.number().int().min(1).max(14),
  keyStage: z.enum(["KS3", "KS4"]),
  /** A workflow status, outcome or action: a short code or word, never free text. */
  outcome: word(60),
  status: z.number().int().min(100).max(599),
  count: z.number().int().min(0),
  durationMs: z.number().min(0),
  dequeueCount: z.number().int().min(0),
  /**
   * The day a round ran for: a date within a week of now, so it can never be a pupil's date of birth (a date in a
   * message is scrubbed; this field is how a round's day reaches the log).
   */
  day: z.iso.date().refine((d) => Math.abs(Date.parse(`${d}T12:00:00Z`) - Date.now()) <= 7 * 86_400_000, "a day within a week of today"),
  /** An error's class name (e.g. ItemChangedError); its message goes through the scrub in `message`. */
  errorName: word(80),
} as const;

export type LogFields = { [K in keyof typeof logFieldSchemas]?: z.input<(typeof logFieldSchemas)[K]> } & Record<string, unknown>;
export type LogLevel = "information" | "warning" | "error";

/** What a function's InvocationContext gives the logger (the real context or a test's). */
export interface LogContext {
  invocationId: string;
  functionName: string;
  log(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

export interface StructuredLog {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** The same log with a case reference attached to every later line. */
  forCase(caseRef: string): StructuredLog;
}

const scrubs: [RegExp, string][] = [
  // UPN: a letter, 11 digits and a check digit or letter (also temporary UPNs).
  [/\b[A-Z]\d{11}[0-9A-Z]\b/g, "[removed]"],
  [/\b[\w.+'-]+@[\w-]+(\.[\w-]+)+\b/g, "[removed]"],
  [/\b\d{4}-\d{2}-\d{2}(?:T[\d:.]+Z?)?\b/g, "[removed]"],
  [/\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b/g, "[removed]"],
  [/\b\d{1,2}(?:st|nd|rd|th)? (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* \d{4}\b/gi, "[removed]"],
  [/(?:\+44\s?|\b0)\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}\b/g, "[removed]"],
  [/\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b/g, "[removed]"],
];

/**
 * The app's identifiers that carry a day: a meeting key (`CG-2026-12-03`, `IF-2026-12-09`) or an effect key ending
 * in a day (`attendance:120345:2026-12-03:digest`, `invite:CG-2026-12-03:LNCIP-2026-0042`). The date rule alone
 * would leave `CG-[removed]` where the id belongs. Such a day is the partnership's (a meeting, a school day), never
 * a pupil's: it is kept only when it lies within `WORKING_DAY_YEARS` of now, and a secondary pupil's date of birth
 * is ten years or more before it — so a date of birth glued to an identifier is still removed.
 */
const idsWithADay = /\b[A-Za-z][A-Za-z0-9]*[-:](?:[A-Za-z0-9]+[-:])*(\d{4}-\d{2}-\d{2})(?![\w]|-\d)/g;
/** How far from now a day in an identifier may be and still be kept (meetings and terms are planned a year ahead). */
const WORKING_DAY_YEARS = 2;

/**
 * A message with anything shaped like personal data removed (case references, and identifiers carrying a working
 * day, survive).
 *
 * @example
 * scrubMessage("LNCIP-2026-0042: UPN F801200100001, born 14/03/2012") // "LNCIP-2026-0042: UPN [removed], born [removed]"
 * scrubMessage("LNCIP-2026-0042: on the agenda of CG-2026-12-03", new Date("2026-12-01T09:00:00Z")) // "LNCIP-2026-0042: on the agenda of CG-2026-12-03"
 * scrubMessage("key dob:2012-03-14", new Date("2026-12-01T09:00:00Z")) // "key dob:[removed]"
 */
export function scrubMessage(message: string, now: Date = new Date()): string {
  const kept: string[] = [];
  const keep = (text: string) => `\u0000${kept.push(text) - 1}\u0000`;
  const span = WORKING_DAY_YEARS * 366 * 86_400_000;
  let text = message
    .slice(0, 2000)
    .replace(/\b[A-Z]{2,10}-\d{4}-\d{4,}\b/g, keep)
    .replace(idsWithADay, (id: string, day: string) => (Math.abs(Date.parse(`${day}T12:00:00Z`) - now.getTime()) <= span ? keep(id) : id));
  for (const [re, by] of scrubs) text = text.replace(re, by);
  return text.replace(/\u0000(\d+)\u0000/g, (_, i: string) => kept[Number(i)] ?? "");
}

/**
 * The JSON line for one event: only known fields whose values fit their schema; the rest listed as refused.
 *
 * @example
 * logLine("information", ctx, "Case written", { caseRef: "LNCIP-2026-0042", pupilName: "Jane Smith" })
 * // {"level":"information","function":"caseIntake","invocationId":"…","caseRef":"LNCIP-2026-0042","message":"Case written","refused":["pupilName"]}
 */
export function logLine(level: LogLevel, context: Pick<LogContext, "invocationId" | "functionName">, message: string, fields: LogFields = {}, now = new Date()): string {
  const line: Record<string, unknown> = { at: now.toISOString(), level, function: context.functionName, invocationId: context.invocationId };
  const refused: string[] = [];
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    const schema = (logFieldSchemas as Record<string, z.ZodType>)[key];
    if (schema?.safeParse(value).success) line[key] = value;
    else refused.push(key);
  }
  line.message = scrubMessage(message, now);
  if (refused.length) line.refused = refused;
  return JSON.stringify(line);
}

/**
 * The structured log for one invocation; lines go through the context (so the host and Application Insights
 * keep them with the invocation).
 *
 * @example
 * const log = structuredLog(context).forCase("LNCIP-2026-0042");
 * log.info("Case written", { responseId: "r-1", outcome: "written" });
 */
export function structuredLog(context: LogContext, base: LogFields = {}, now: () => Date = () => new Date()): StructuredLog {
  const write = (level: LogLevel, message: string, fields?: LogFields) => {
    const line = logLine(level, context, message, { ...base, ...fields }, now());
    if (level === "error") context.error(line);
    else if (level === "warning") context.warn(line);
    else context.log(line);
  };
  return {
    info: (m, f) => write("information", m, f),
    warn: (m, f) => write("warning", m, f),
    error: (m, f) => write("error", m, f),
    forCase: (caseRef) => structuredLog(context, { ...base, caseRef }, now),
  };
}
