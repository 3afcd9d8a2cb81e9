import type { SchoolsRow } from "../../domain/lists";
import { schoolAddressProblems } from "../../domain/schools";
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

export function schoolDirectory(items: ListItems<SchoolsRow>, now: () => Date, log: (message: string) => void = () => undefined): SchoolDirectory {
  let cached: { at: number; rows: SchoolsRow[] } | undefined;
  const all = async () => {
    if (cached && now().getTime() - cached.at < TTL_MS) return cached.rows;
    // A school whose role addresses are not all in its email domain is left out (no email goes to it, and its
    // referrals wait) until a member of staff corrects the record: one edited column must not redirect pupil data.
    const rows = (await items.all()).flatMap((item) => {
      const problems = schoolAddressProblems(item.row);
      if (problems.length === 0) return [item.row];
      log(`Schools item ${item.id} is left out until a coordinator corrects it: ${problems.length} address problem(s)`);
      return [];
    });
    cached = { at: now().getTime(), rows };
    return rows;
  };
  return {
    all,
    byUrn: async (urn) => (await all()).find((s) => s.Urn === urn),
    urns: async () => new Set((await all()).map((s) => s.Urn)),
  };
}
