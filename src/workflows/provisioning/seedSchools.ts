import { schoolsList, type SchoolsRow } from "../../domain/lists/lists";
import { fromListFields, toListFields } from "../../domain/lists/listFields";
import type { GraphItems } from "../../m365/sharepoint/items";

export interface SchoolsSeedReport {
  added: string[];
  updated: string[];
  unchanged: number;
  /** Schools on the site but not in the file: left alone (a school leaving is a person's decision). */
  notInFile: string[];
}

/**
 * Upserts the Schools list by URN from parsed CSV rows: a new URN is added, a school whose details differ is
 * updated (only the differing columns), an identical one is not written. Schools missing from the file are
 * reported, never deleted. Run twice with the same file, the second run writes nothing.
 *
 * @example
 * await seedSchools(graphItems(sharePointList(site, "Schools")), schools)
 * // { added: ["120345 Oakfield Academy"], updated: [], unchanged: 11, notInFile: [] }
 */
export async function seedSchools(items: GraphItems, schools: readonly SchoolsRow[], options: { dryRun?: boolean } = {}): Promise<SchoolsSeedReport> {
  const existing = await items.all();
  const byUrn = new Map<string, { id: string; fields: Record<string, unknown> }>();
  for (const item of existing) {
    const urn = item.fields.Urn;
    if (typeof urn === "string") byUrn.set(urn, item);
  }
  const report: SchoolsSeedReport = { added: [], updated: [], unchanged: 0, notInFile: [] };
  for (const school of schools) {
    const wanted = toListFields(schoolsList, school);
    const found = byUrn.get(school.Urn);
    if (!found) {
      if (!options.dryRun) await items.create(wanted);
      report.added.push(`${school.Urn} ${school.SchoolName}`);
      continue;
    }
    const current = fromListFields(schoolsList, found.fields);
    const currentFields = current.ok ? toListFields(schoolsList, current.row) : found.fields;
    const patch: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(wanted)) if (currentFields[k] !== v) patch[k] = v;
    // A column the file leaves empty is cleared only if the site has a value for it.
    for (const k of ["CalendarOverride"]) if (wanted[k] === undefined && currentFields[k] !== undefined && currentFields[k] !== null) patch[k] = null;
    if (Object.keys(patch).length === 0) {
      report.unchanged++;
      continue;
    }
    if (!options.dryRun) await items.update(found.id, patch);
    report.updated.push(`${school.Urn} ${school.SchoolName} (${Object.keys(patch).join(", ")})`);
  }
  const inFile = new Set(schools.map((s) => s.Urn));
  report.notInFile = [...byUrn.keys()].filter((u) => !inFile.has(u)).sort();
  return report;
}
