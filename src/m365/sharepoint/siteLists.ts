import type { ColumnDefinition } from "../../domain/lists/columns";
import type { SharePointSite } from "./site";

/** A list on the site with its columns, as provisioning compares them. */
export interface SiteList {
  id: string;
  name: string;
  displayName: string;
  columns: ({ id: string; name: string; displayName?: string; indexed?: boolean; required?: boolean } & Record<string, unknown>)[];
}

/**
 * The site's lists and columns through Graph, for provisioning: read them all, create a list with its columns,
 * add a column, update a column's display name, index or choices. Nothing here deletes.
 *
 * @example
 * const lists = siteLists(sharePointSite(graph, "contoso.sharepoint.com:/sites/lncip"));
 * await lists.all() // [{ id, name: "Cases", displayName: "Cases", columns: [...] }, ...]
 */
export interface SiteLists {
  all(): Promise<SiteList[]>;
  create(list: { name: string; displayName: string; description: string; columns: ColumnDefinition[] }): Promise<SiteList>;
  addColumn(listId: string, column: ColumnDefinition): Promise<void>;
  updateColumn(listId: string, columnIdOrName: string, patch: Record<string, unknown>): Promise<void>;
}

interface GraphPage<T> {
  value: T[];
  "@odata.nextLink"?: string;
}

export function siteLists(site: SharePointSite): SiteLists {
  const graph = site.graph;
  const base = async () => `/sites/${await site.id()}/lists`;
  return {
    async all() {
      const out: SiteList[] = [];
      let page = (await graph.api(await base()).expand("columns").get()) as GraphPage<SiteList & { list?: { hidden?: boolean } }>;
      for (;;) {
        for (const l of page.value) if (!l.list?.hidden) out.push({ id: l.id, name: l.name, displayName: l.displayName, columns: l.columns ?? [] });
        const next = page["@odata.nextLink"];
        if (!next) return out;
        page = (await graph.api(next).get()) as typeof page;
      }
    },
    async create(list) {
      // Graph names the list's URL after displayName; the definitions keep the two the same.
      const created = (await graph.api(await base()).post({
        displayName: list.displayName,
        description: list.description,
        columns: list.columns,
        list: { template: "genericList" },
      })) as SiteList;
      return { id: created.id, name: created.name, displayName: created.displayName, columns: created.columns ?? [] };
    },
    async addColumn(listId, column) {
      await graph.api(`${await base()}/${listId}/columns`).post(column);
    },
    async updateColumn(listId, columnIdOrName, patch) {
      await graph.api(`${await base()}/${listId}/columns/${encodeURIComponent(columnIdOrName)}`).patch(patch);
    },
  };
}
