import type { SharePointSite } from "./site";

/**
 * A list on the partnership site, found by its name (the list's URL name, which provisioning sets to the
 * definition's `name`), resolved to its id once.
 *
 * @example
 * const cases = sharePointList(site, "Cases");
 * await cases.id() // "b3c2..."
 */
export interface SharePointList {
  readonly site: SharePointSite;
  readonly name: string;
  id(): Promise<string>;
  /** `/sites/{site-id}/lists/{list-id}` — the resource path Graph uses, also for subscriptions. */
  path(): Promise<string>;
}

export function sharePointList(site: SharePointSite, name: string): SharePointList {
  let resolved: Promise<string> | undefined;
  const id = () => {
    resolved ??= (async () => {
      const siteId = await site.id();
      const list = (await site.graph.api(`/sites/${siteId}/lists/${encodeURIComponent(name)}`).select("id").get()) as {
        id: string;
      };
      return list.id;
    })().catch((e: unknown) => {
      resolved = undefined;
      throw e;
    });
    return resolved;
  };
  return {
    site,
    name,
    id,
    async path() {
      return `/sites/${await site.id()}/lists/${await id()}`;
    },
  };
}
