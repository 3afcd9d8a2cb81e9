import type { Client } from "@microsoft/microsoft-graph-client";

/**
 * The partnership's SharePoint site, addressed as Graph does: `{hostname}:/sites/{path}` resolves to the
 * composite id `{hostname},{site-guid},{web-guid}` that every list call needs. Resolved once and remembered.
 *
 * @example
 * const site = sharePointSite(graph, "contoso.sharepoint.com:/sites/lncip");
 * await site.id() // "contoso.sharepoint.com,2f1c...,8a7b..."
 */
export interface SharePointSite {
  readonly graph: Client;
  readonly address: string;
  id(): Promise<string>;
  webUrl(): Promise<string>;
}

export function sharePointSite(graph: Client, address: string): SharePointSite {
  let resolved: Promise<{ id: string; webUrl: string }> | undefined;
  const resolve = () => {
    resolved ??= (graph.api(`/sites/${address}`).select("id,webUrl").get() as Promise<{ id: string; webUrl: string }>).catch(
      (e: unknown) => {
        resolved = undefined;
        throw e;
      },
    );
    return resolved;
  };
  return {
    graph,
    address,
    id: async () => (await resolve()).id,
    webUrl: async () => (await resolve()).webUrl,
  };
}
