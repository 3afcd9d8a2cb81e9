import { fieldLeaves } from "../../domain/fields/fieldLeaves";
import { schoolsList, schoolsRow, type SchoolsRow } from "../../domain/lists/lists";
import { schoolAddressProblems } from "../../domain/schools";

/** A problem with one line of the Schools CSV, by its line number in the file (the header is line 1). */
export interface CsvProblem {
  line: number;
  message: string;
}

export type SchoolsCsvResult = { ok: true; schools: SchoolsRow[] } | { ok: false; problems: CsvProblem[] };

/**
 * Splits CSV text into records (RFC 4180: quoted fields with commas, doubled quotes and line breaks; CRLF or LF;
 * a BOM from Excel ignored), each with the line it starts on.
 *
 * @example
 * csvRecords('Urn,SchoolName\n120345,"Oakfield, Academy"\n') // [{ line: 1, cells: ["Urn","SchoolName"] }, { line: 2, cells: ["120345","Oakfield, Academy"] }]
 */
export function csvRecords(text: string): { line: number; cells: string[] }[] {
  const src = text.replace(/^\uFEFF/, "");
  const records: { line: number; cells: string[] }[] = [];
  let line = 1;
  let start = 1;
  let cells: string[] = [];
  let cell = "";
  let quoted = false;
  let any = false;
  for (let i = 0; i < src.length; i++) {
    const ch = src[i] as string;
    if (quoted) {
      if (ch === '"' && src[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else {
        if (ch === "\n") line++;
        cell += ch;
      }
      continue;
    }
    if (ch === '"') (quoted = true), (any = true);
    else if (ch === ",") cells.push(cell), (cell = ""), (any = true);
    else if (ch === "\r") continue;
    else if (ch === "\n") {
      cells.push(cell);
      if (any || cell !== "") records.push({ line: start, cells });
      cells = [];
      cell = "";
      any = false;
      start = ++line;
    } else (cell += ch), (any = true);
  }
  if (any || cell !== "") records.push({ line: start, cells: [...cells, cell] });
  return records;
}

/** Header words → column: the internal names (Urn, SchoolName, …) or the titles people see (URN, School, …). */
const headerToColumn = new Map<string, string>(
  fieldLeaves(schoolsList.row).flatMap((leaf) => {
    const names = [leaf.path, leaf.meta.column, leaf.meta.columnTitle].filter((n): n is string => Boolean(n));
    return names.map((n) => [n.trim().toLowerCase(), leaf.path] as [string, string]);
  }),
);

/**
 * The Schools list from a CSV file: one school per line, every line checked with the Schools row schema; a bad
 * line is reported by its line number and column, and nothing is written unless every line is good.
 * Headers may be the internal names (`Urn,SchoolName,AttendanceLeadEmail,SencoEmail,DslEmail,FinanceEmail,
 * CalendarOverride`) or the column titles (`URN,School,…`), in any order.
 *
 * @example
 * parseSchoolsCsv("Urn,SchoolName,AttendanceLeadEmail,SencoEmail,DslEmail,FinanceEmail\n12345,Oakfield,...")
 * // { ok: false, problems: [{ line: 2, message: "Urn: expected a 6-digit URN" }] }
 */
export function parseSchoolsCsv(text: string): SchoolsCsvResult {
  const [header, ...rows] = csvRecords(text);
  if (!header) return { ok: false, problems: [{ line: 1, message: "the file is empty: expected a header line, then one school per line" }] };
  const problems: CsvProblem[] = [];
  const columns = header.cells.map((h) => headerToColumn.get(h.trim().toLowerCase()));
  header.cells.forEach((h, i) => {
    if (!columns[i]) problems.push({ line: header.line, message: `unknown column "${h}": expected ${[...new Set(fieldLeaves(schoolsList.row).map((l) => l.path))].join(", ")}` });
  });
  for (const required of fieldLeaves(schoolsList.row).filter((l) => l.required).map((l) => l.path)) {
    if (!columns.includes(required)) problems.push({ line: header.line, message: `the column ${required} is missing` });
  }
  if (problems.length) return { ok: false, problems };

  const schools: SchoolsRow[] = [];
  const seen = new Map<string, number>();
  for (const record of rows) {
    const raw: Record<string, string> = {};
    if (record.cells.length > columns.length) {
      problems.push({ line: record.line, message: `${record.cells.length} values but ${columns.length} columns (a comma inside a value needs quotes)` });
      continue;
    }
    record.cells.forEach((value, i) => {
      const column = columns[i];
      if (column && value.trim() !== "") raw[column] = value.trim();
    });
    const parsed = schoolsRow.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push({ line: record.line, message: `${String(issue.path[0] ?? "row")}: ${messageFor(String(issue.path[0] ?? ""), issue.message)}` });
      continue;
    }
    // Every role address must be in the school's email domain: a record that could send pupil data elsewhere is not uploaded.
    const addressProblems = schoolAddressProblems(parsed.data);
    if (addressProblems.length) {
      for (const p of addressProblems) problems.push({ line: record.line, message: p });
      continue;
    }
    const earlier = seen.get(parsed.data.Urn);
    if (earlier !== undefined) {
      problems.push({ line: record.line, message: `Urn ${parsed.data.Urn} is already on line ${earlier}` });
      continue;
    }
    seen.set(parsed.data.Urn, record.line);
    schools.push(parsed.data);
  }
  return problems.length ? { ok: false, problems } : { ok: true, schools };
}

function messageFor(column: string, zodMessage: string): string {
  if (column === "Urn") return "expected the school's 6-digit URN";
  if (/Email$/.test(column)) return "expected an email address, e.g. senco@school.org.uk";
  return zodMessage;
}

