import { fieldLeaves } from "../../domain/fields/fieldLeaves";
import { fromListFields, toListFields } from "../../domain/lists/listFields";
import { providersList, providersRow, type ProvidersRow } from "../../domain/lists/lists";
import { providerRowProblems } from "../../domain/placement/providers";
import type { GraphItems } from "../../m365/sharepoint/items";
import { csvRecords, type CsvProblem } from "./schoolsCsv";

export type ProvidersCsvResult = { ok: true; providers: ProvidersRow[] } | { ok: false; problems: CsvProblem[] };

/** Header words → column: the internal names (ProviderId, Name, …) or the titles people see (Provider id, Provider, …). */
const headerToColumn = new Map<string, string>(
  fieldLeaves(providersList.row).flatMap((leaf) => [leaf.path, leaf.meta.column, leaf.meta.columnTitle].filter((n): n is string => Boolean(n)).map((n) => [n.trim().toLowerCase(), leaf.path] as [string, string])),
);
const yes = new Set(["yes", "true", "y", "1"]);
const no = new Set(["no", "false", "n", "0", ""]);
const dates = new Set(["LastQaVisit", "SafeguardingConfirmedOn"]);

/**
 * The Providers list from a CSV file (the partnership's database of APs): one provider per line, every line checked
 * with the Providers row schema and the rules it cannot see (a URN or UKPRN; a registered school's URN); a bad line is
 * reported by its line number, and nothing is written unless every line is good. *Registered as a school* is Yes or
 * No; dates are yyyy-MM-dd; sites are separated by semicolons (one site per line in the list).
 *
 * @example
 * parseProvidersCsv("ProviderId,Name,Ukprn,RegisteredSchool\nriverside,Riverside AP,10099001,No\n")
 * // { ok: true, providers: [{ ProviderId: "riverside", Name: "Riverside AP", Ukprn: "10099001", RegisteredSchool: false }] }
 */
export function parseProvidersCsv(text: string): ProvidersCsvResult {
  const [header, ...rows] = csvRecords(text);
  if (!header) return { ok: false, problems: [{ line: 1, message: "the file is empty: expected a header line, then one provider per line" }] };
  const problems: CsvProblem[] = [];
  const columns = header.cells.map((h) => headerToColumn.get(h.trim().toLowerCase()));
  header.cells.forEach((h, i) => {
    if (!columns[i]) problems.push({ line: header.line, message: `unknown column "${h}": expected ${[...new Set(fieldLeaves(providersList.row).map((l) => l.path))].join(", ")}` });
  });
  for (const required of ["ProviderId", "Name", "RegisteredSchool"]) if (!columns.includes(required)) problems.push({ line: header.line, message: `the column ${required} is missing` });
  if (problems.length) return { ok: false, problems };

  const providers: ProvidersRow[] = [];
  const seen = new Map<string, number>();
  for (const record of rows) {
    if (record.cells.length > columns.length) {
      problems.push({ line: record.line, message: `${record.cells.length} values but ${columns.length} columns (a comma inside a value needs quotes)` });
      continue;
    }
    const raw: Record<string, unknown> = {};
    record.cells.forEach((value, i) => {
      const column = columns[i];
      const v = value.trim();
      if (!column) return;
      if (column === "RegisteredSchool") raw[column] = yes.has(v.toLowerCase()) ? true : no.has(v.toLowerCase()) ? false : v;
      else if (column === "Sites" && v !== "") raw[column] = v.split(";").map((x) => x.trim()).filter(Boolean).join("\n");
      else if (v !== "") raw[column] = dates.has(column) ? v.slice(0, 10) : v;
    });
    const parsed = providersRow.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push({ line: record.line, message: `${String(issue.path[0] ?? "row")}: ${issue.path[0] === "RegisteredSchool" ? "expected Yes or No" : issue.message}` });
      continue;
    }
    for (const p of providerRowProblems(parsed.data)) problems.push({ line: record.line, message: p });
    const earlier = seen.get(parsed.data.ProviderId);
    if (earlier !== undefined) problems.push({ line: record.line, message: `ProviderId ${parsed.data.ProviderId} is already on line ${earlier}` });
    seen.set(parsed.data.ProviderId, record.line);
    providers.push(parsed.data);
  }
  return problems.length ? { ok: false, problems } : { ok: true, providers };
}

/**
 * Upserts the Providers list by ProviderId: a new provider is added, one whose details differ is updated (only the
 * differing columns), an identical one is not written; providers missing from the file are reported, never deleted
 * (a placement may name them). Run twice with the same file, the second run writes nothing.
 *
 * @example
 * await seedProviders(graphItems(sharePointList(site, "Providers")), providers)
 * // { added: ["riverside Riverside AP"], updated: [], unchanged: 2, notInFile: [] }
 */
export async function seedProviders(items: GraphItems, providers: readonly ProvidersRow[], options: { dryRun?: boolean } = {}): Promise<{ added: string[]; updated: string[]; unchanged: number; notInFile: string[] }> {
  const byId = new Map<string, { id: string; fields: Record<string, unknown> }>();
  for (const item of await items.all()) {
    const read = fromListFields(providersList, item.fields);
    if (read.ok) byId.set(read.row.ProviderId, item);
  }
  const report = { added: [] as string[], updated: [] as string[], unchanged: 0, notInFile: [] as string[] };
  for (const provider of providers) {
    const wanted = toListFields(providersList, provider);
    const found = byId.get(provider.ProviderId);
    if (!found) {
      if (!options.dryRun) await items.create(wanted);
      report.added.push(`${provider.ProviderId} ${provider.Name}`);
      continue;
    }
    const current = fromListFields(providersList, found.fields);
    const currentFields = current.ok ? toListFields(providersList, current.row) : found.fields;
    const patch: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(wanted)) if (currentFields[k] !== v) patch[k] = v;
    if (Object.keys(patch).length === 0) {
      report.unchanged++;
      continue;
    }
    if (!options.dryRun) await items.update(found.id, patch);
    report.updated.push(`${provider.ProviderId} ${provider.Name} (${Object.keys(patch).join(", ")})`);
  }
  const inFile = new Set(providers.map((p) => p.ProviderId));
  report.notInFile = [...byId.keys()].filter((id) => !inFile.has(id)).sort();
  return report;
}
