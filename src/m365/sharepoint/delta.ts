import { DeltaExpiredError, graphStatus } from "./graphErrors";
import type { SharePointList } from "./list";
import { toListItem, type ListItem } from "./items";

/** One item in a delta page: its latest state, or that it was deleted. */
export type ItemChange = { kind: "changed"; item: ListItem } | { kind: "deleted"; id: string };

export interface DeltaRound {
  changes: ItemChange[];
  /** Where to start next time: store it and pass it back to `changesSince`. */
  deltaLink: string;
}

interface DeltaItem {
  id: string;
  deleted?: { state: string };
  "@odata.etag"?: string;
  fields?: Record<string, unknown>;
}

interface DeltaPage {
  value: DeltaItem[];
  "@odata.nextLink"?: string;
  "@odata.deltaLink"?: string;
}

/**
 * What changed in a list since the last delta link (or everything, when there is none), following
 * `@odata.nextLink` until Graph hands out the next `@odata.deltaLink`. A change appears once with its latest
 * state even if it changed several times. An expired link (410) becomes `DeltaExpiredError`: the caller
 * starts again without a link and must not redo effects it already carried out.
 *
 * @example
 * const { changes, deltaLink } = await changesSince(casesList, storedLink);
 */
export async function changesSince(list: SharePointList, deltaLink?: string): Promise<DeltaRound> {
  const graph = list.site.graph;
  const changes = new Map<string, ItemChange>();
  let url = deltaLink ?? `${await list.path()}/items/delta?$expand=fields`;
  for (;;) {
    let page: DeltaPage;
    try {
      page = (await graph.api(url).get()) as DeltaPage;
    } catch (e) {
      if (graphStatus(e) === 410) throw new DeltaExpiredError(list.name, undefined);
      throw e;
    }
    for (const item of page.value) {
      changes.set(
        item.id,
        item.deleted ? { kind: "deleted", id: item.id } : { kind: "changed", item: toListItem(item) },
      );
    }
    if (page["@odata.deltaLink"]) return { changes: [...changes.values()], deltaLink: page["@odata.deltaLink"] };
    const next = page["@odata.nextLink"];
    if (!next) throw new Error(`Delta for ${list.name} ended without a next or delta link`);
    url = next;
  }
}
