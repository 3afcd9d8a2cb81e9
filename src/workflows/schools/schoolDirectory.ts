import type { SchoolsRow } from "../../domain/lists";
import type { ListItems } from "../../m365/sharepoint/items";

/**
 * The partner schools and their role mailboxes, read from the Schools list and kept for a few minutes: the
 * intake checks every submission's school against it, and a coordinator's edit is seen within minutes.
 *
 * @example
 * const schools = schoolDirectory(listItems(sharePointList(site, "Schools"), schoolsList), () => new Date());
 * (await schools.byUrn("120345"))?.SencoEmail // "senco@oakfield.example"
 */
export interface SchoolDirectory {
  all(): Promise<SchoolsRow[]>;
  byUrn(urn: string): Promise<SchoolsRow | undefined>;
  urns(): Promise<Set<string>>;
}

const TTL_MS = 5 * 60_000;

export function schoolDirectory(items: ListItems<SchoolsRow>, now: () => Date): SchoolDirectory {
  let cached: { at: number; rows: SchoolsRow[] } | undefined;
  const all = async () => {
    if (cached && now().getTime() - cached.at < TTL_MS) return cached.rows;
    const rows = (await items.all()).map((item) => item.row);
    cached = { at: now().getTime(), rows };
    return rows;
  };
  return {
    all,
    byUrn: async (urn) => (await all()).find((s) => s.Urn === urn),
    urns: async () => new Set((await all()).map((s) => s.Urn)),
  };
}
