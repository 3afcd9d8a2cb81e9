import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGraphSandbox, type GraphSandbox } from "../../../sandbox/graph/server";
import { defaultAreas, type SitesArea } from "../../../sandbox/graph/areas";
import { defaultApp } from "../../../sandbox/graph/auth";
import { demoSite, seedDemoTenant } from "../../../sandbox/demo/demoTenant";
import { graphClient } from "../../../src/m365/graph/graphClient";
import { sharePointSite } from "../../../src/m365/sharepoint/site";
import { sharePointList } from "../../../src/m365/sharepoint/list";
import { graphItems } from "../../../src/m365/sharepoint/items";

/**
 * A person's edit in SharePoint (the local tenant's form, or a test standing in for one) is recorded as theirs on
 * the item's version — `lastModifiedBy.user` with their email, id and name, as Graph returns it — and an item's
 * webUrl is its page on the sandbox's origin; the app's item reader sees both.
 */
let graph: GraphSandbox;
beforeAll(async () => {
  graph = await startGraphSandbox({ port: 0, areas: defaultAreas(), seed: seedDemoTenant });
}, 30_000);
afterAll(async () => {
  await graph?.close();
});

describe("a person's edit", () => {
  it("names the person as the version's editor, as Graph's identitySet does, and the app reads their email", async () => {
    const settings = { GRAPH_BASE_URL: graph.graphUrl, AZURE_AUTHORITY_HOST: graph.authorityHost, AZURE_TENANT_ID: defaultApp.tenantId, AZURE_CLIENT_ID: defaultApp.clientId, AZURE_CLIENT_SECRET: defaultApp.clientSecret };
    const client = graphClient(settings);
    const site = sharePointSite(client, `${demoSite.hostname}:/sites/${demoSite.path}`);
    const meetings = graphItems(sharePointList(site, "Meetings"));
    const [first] = await meetings.all({ top: 1 });
    expect(first?.lastModifiedBy).toBe("Seed");

    const sites = graph.area<SitesArea>("sites");
    sites.patchAsPerson(sites.siteIdByPath(demoSite.hostname, demoSite.path), "Meetings", first!.id, { Chair: "user-id-2" }, "director@lncip.example");
    const raw = (await client.api(`/sites/${await site.id()}/lists/Meetings/items/${first!.id}`).get()) as { lastModifiedBy: unknown; createdBy: unknown; webUrl: string };
    expect(raw.lastModifiedBy).toEqual({ user: { email: "director@lncip.example", id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/), displayName: "Partnership Director" } });
    expect(raw.createdBy).toEqual({ application: { id: "seed", displayName: "Seed" } });
    expect(raw.webUrl).toBe(`${graph.url}/sites/${demoSite.path}/Lists/Meetings/${first!.id}_.000`);
    expect((await meetings.get(first!.id))?.lastModifiedBy).toBe("director@lncip.example");
  });

  it("is refused with 412 when the item changed since the form was opened (its ETag)", () => {
    const sites = graph.area<SitesArea>("sites");
    const siteId = sites.siteIdByPath(demoSite.hostname, demoSite.path);
    const record = sites.itemRecords(siteId, "Meetings")[1]!;
    sites.patchAsPerson(siteId, "Meetings", record.id, { Chair: "user-id-1" }, "coordinator@lncip.example", new Date(), record.etag);
    expect(() => sites.patchAsPerson(siteId, "Meetings", record.id, { Chair: "user-id-3" }, "senco@lncip.example", new Date(), record.etag)).toThrow(/changed since/);
    expect(sites.items(siteId, "Meetings").find((i) => i.id === record.id)?.fields.Chair).toBe("user-id-1");
  });
});
