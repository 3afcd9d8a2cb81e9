import { graphStatus, ItemChangedError } from "./graphErrors";
import type { SharePointList } from "./list";

/** A list item as Graph returns it with `$expand=fields`: its id, ETag and column values. */
export interface ListItem<F = Record<string, unknown>> {
  id: string;
  etag: string;
  fields: F;
  lastModified?: string | undefined;
  /** Who last changed the item: a person's email, or an application's name. */
  lastModifiedBy?: string | undefined;
}

export interface ItemQuery {
  /** OData filter on `fields/...` (only indexed columns: SharePoint refuses others without a warning header). */
  filter?: string;
  /** Column names to return; all when omitted. */
  select?: readonly string[];
  /** Page size asked of Graph; the iterator follows `@odata.nextLink` across pages. */
  top?: number;
}

interface GraphListItem {
  id: string;
  "@odata.etag"?: string;
  eTag?: string;
  lastModifiedDateTime?: string;
  lastModifiedBy?: { user?: { email?: string; displayName?: string }; application?: { displayName?: string; id?: string } };
  fields?: Record<string, unknown>;
}

interface GraphPage<T> {
  value: T[];
  "@odata.nextLink"?: string;
}

/**
 * Reading and writing the items of one list. ETags are handled here once: `update` with an ETag sends
 * `If-Match` and turns Graph's 412 into `ItemChangedError`, so a workflow re-reads and decides again instead of
 * overwriting a coordinator's edit.
 *
 * @example
 * const items = listItems(sharePointList(site, "Cases"));
 * const created = await items.create({ Title: "LNCIP-2026-0042", Status: "Received" });
 * await items.update(created.id, { Status: "In triage" }, created.etag);
 * for await (const item of items.query({ filter: "fields/SchoolUrn eq '123456'" })) { ... }
 */
export interface ListItems {
  readonly list: SharePointList;
  get(id: string): Promise<ListItem | undefined>;
  create(fields: Record<string, unknown>): Promise<ListItem>;
  /** PATCH the given fields; with `etag`, only if nobody changed the item since (else ItemChangedError). */
  update(id: string, fields: Record<string, unknown>, etag?: string): Promise<ListItem>;
  delete(id: string): Promise<void>;
  query(query?: ItemQuery): AsyncIterable<ListItem>;
  /** All matching items (follows every page). */
  all(query?: ItemQuery): Promise<ListItem[]>;
}

export function listItems(list: SharePointList): ListItems {
  const graph = list.site.graph;
  const base = async () => `${await list.path()}/items`;

  const self: ListItems = {
    list,
    async get(id) {
      try {
        const item = (await graph.api(`${await base()}/${id}`).expand("fields").get()) as GraphListItem;
        return toListItem(item);
      } catch (e) {
        if (graphStatus(e) === 404) return undefined;
        throw e;
      }
    },
    async create(fields) {
      const item = (await graph.api(await base()).post({ fields })) as GraphListItem;
      return toListItem(item);
    },
    async update(id, fields, etag) {
      let request = graph.api(`${await base()}/${id}/fields`);
      if (etag) request = request.header("If-Match", etag);
      try {
        const updated = (await request.patch(fields)) as Record<string, unknown>;
        // PATCH .../fields answers with the fields only; the item's new ETag is the fields' ETag.
        return {
          id,
          etag: String(updated["@odata.etag"] ?? ""),
          fields: stripOData(updated),
        };
      } catch (e) {
        if (graphStatus(e) === 412) throw new ItemChangedError(list.name, id);
        throw e;
      }
    },
    async delete(id) {
      try {
        await graph.api(`${await base()}/${id}`).delete();
      } catch (e) {
        if (graphStatus(e) !== 404) throw e;
      }
    },
    query(query = {}) {
      return {
        async *[Symbol.asyncIterator]() {
          const select = query.select?.length ? `($select=${query.select.join(",")})` : "";
          let request = graph.api(await base()).expand(`fields${select}`);
          if (query.filter) request = request.filter(query.filter);
          if (query.top) request = request.top(query.top);
          let page = (await request.get()) as GraphPage<GraphListItem>;
          for (;;) {
            for (const item of page.value) yield toListItem(item);
            const next = page["@odata.nextLink"];
            if (!next) return;
            page = (await graph.api(next).get()) as GraphPage<GraphListItem>;
          }
        },
      };
    },
    async all(query) {
      const out: ListItem[] = [];
      for await (const item of self.query(query)) out.push(item);
      return out;
    },
  };
  return self;
}

export function toListItem(item: GraphListItem): ListItem {
  return {
    id: item.id,
    etag: item["@odata.etag"] ?? item.eTag ?? "",
    fields: stripOData(item.fields ?? {}),
    lastModified: item.lastModifiedDateTime,
    lastModifiedBy: item.lastModifiedBy?.user?.email ?? item.lastModifiedBy?.user?.displayName ?? item.lastModifiedBy?.application?.displayName,
  };
}

function stripOData(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) if (!k.startsWith("@odata.")) out[k] = v;
  return out;
}
