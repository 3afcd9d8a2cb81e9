import { graphStatus } from "./graphErrors";
import type { SharePointSite } from "./site";

/** A file the app saved in a library: its drive item id and where a person opens it (a sign-in is needed). */
export interface SavedFile {
  id: string;
  name: string;
  webUrl: string;
}

/**
 * A document library on the partnership's site (e.g. Reports), through Graph's drive API: the library is a list
 * made from the `documentLibrary` template, its files are its drive's items. Files go in the library's root, named
 * by the caller; saving a name again replaces the file (SharePoint keeps the earlier one as a version).
 *
 * @example
 * const reports = documentLibrary(site, "Reports");
 * await reports.save("progress-summary-2025-26.html", Buffer.from(html), "text/html")
 * // { id: "01ABC…", name: "progress-summary-2025-26.html", webUrl: "https://contoso.sharepoint.com/sites/lncip/Reports/progress-summary-2025-26.html" }
 */
export interface DocumentLibrary {
  readonly name: string;
  /** Creates or replaces a file in the library's root (Graph's simple upload: files up to 250 MB). */
  save(fileName: string, bytes: Buffer, contentType: string): Promise<SavedFile>;
  /** Creates the library when the site has none of that name (provisioning does this once). */
  ensure(): Promise<"created" | "exists">;
}

/** The site has no document library of that name: provisioning makes it. */
export class LibraryMissingError extends Error {
  constructor(readonly library: string) {
    super(`The partnership site has no document library called ${library}: run npm run provision against the site to create it.`);
    this.name = "LibraryMissingError";
  }
}

export function documentLibrary(site: SharePointSite, name: string): DocumentLibrary {
  const graph = site.graph;
  let driveId: Promise<string> | undefined;
  const listPath = async () => `/sites/${await site.id()}/lists/${encodeURIComponent(name)}`;
  const drive = () => {
    driveId ??= (async () => {
      try {
        const d = (await graph.api(`${await listPath()}/drive`).select("id").get()) as { id: string };
        return d.id;
      } catch (e) {
        if (graphStatus(e) === 404) throw new LibraryMissingError(name);
        throw e;
      }
    })().catch((e: unknown) => {
      driveId = undefined;
      throw e;
    });
    return driveId;
  };
  return {
    name,
    async save(fileName, bytes, contentType) {
      const id = await drive();
      const item = (await graph
        .api(`/drives/${id}/items/root:/${encodeURIComponent(fileName)}:/content`)
        .header("Content-Type", contentType)
        .put(bytes)) as { id: string; name: string; webUrl: string };
      return { id: item.id, name: item.name, webUrl: item.webUrl };
    },
    async ensure() {
      try {
        await graph.api(await listPath()).select("id").get();
        return "exists";
      } catch (e) {
        if (graphStatus(e) !== 404) throw e;
      }
      await graph.api(`/sites/${await site.id()}/lists`).post({ displayName: name, list: { template: "documentLibrary" } });
      driveId = undefined;
      return "created";
    },
  };
}
