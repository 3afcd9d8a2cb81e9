import type { Client } from "@microsoft/microsoft-graph-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultAreas, type DrivesArea, type SitesArea } from "../../../sandbox/graph/areas";
import { defaultApp } from "../../../sandbox/graph/auth";
import { startGraphSandbox, type GraphSandbox } from "../../../sandbox/graph/server";
import { demoSite, seedDemoTenant } from "../../../sandbox/demo/demoTenant";
import { seedEmptySite } from "../../../sandbox/demo/emptySite";
import { graphClient } from "../../../src/m365/graph/graphClient";
import { documentLibrary, LibraryMissingError } from "../../../src/m365/sharepoint/documentLibrary";
import { sharePointSite } from "../../../src/m365/sharepoint/site";
import { undefinedProperties } from "../../support/csdl";

/**
 * Document libraries as Graph's drives, in the sandbox as Microsoft documents them ("Upload or replace the contents
 * of a driveItem"; drive; driveItem): the app's adapter saves a report, a second save replaces it, the content comes
 * back through the pre-authenticated download URL, the shapes are Graph v1.0's (checked against Microsoft's CSDL),
 * and the errors are Graph's.
 */
let sandbox: GraphSandbox;
let empty: GraphSandbox;
let graph: Client;
let token = "";
const siteAddress = `${demoSite.hostname}:/sites/${demoSite.path}`;
const connect = (s: GraphSandbox) => graphClient({ GRAPH_BASE_URL: s.graphUrl, AZURE_AUTHORITY_HOST: s.authorityHost, AZURE_TENANT_ID: defaultApp.tenantId, AZURE_CLIENT_ID: defaultApp.clientId, AZURE_CLIENT_SECRET: defaultApp.clientSecret });

beforeAll(async () => {
  sandbox = await startGraphSandbox({ port: 0, areas: defaultAreas(), seed: seedDemoTenant });
  empty = await startGraphSandbox({ port: 0, areas: defaultAreas(), seed: seedEmptySite });
  graph = connect(sandbox);
  const form = new URLSearchParams({ grant_type: "client_credentials", client_id: defaultApp.clientId, client_secret: defaultApp.clientSecret, scope: "https://graph.microsoft.com/.default" });
  token = ((await (await fetch(`${sandbox.url}/${defaultApp.tenantId}/oauth2/v2.0/token`, { method: "POST", body: form })).json()) as { access_token: string }).access_token;
});
afterAll(async () => {
  await sandbox?.close();
  await empty?.close();
});

const siteId = () => sandbox.area<SitesArea>("sites").siteIdByPath(demoSite.hostname, demoSite.path);
const put = (path: string, body: string, contentType = "text/html") => fetch(`${sandbox.graphUrl}${path}`, { method: "PUT", headers: { authorization: `Bearer ${token}`, "content-type": contentType }, body });

describe("a document library as a drive", () => {
  it("is listed among the site's drives and lists, with Graph's shapes", async () => {
    const drives = (await graph.api(`/sites/${siteId()}/drives`).get()) as { value: Record<string, unknown>[] };
    expect(drives.value.map((d) => [d.name, d.driveType])).toEqual([["Reports", "documentLibrary"]]);
    expect(undefinedProperties("drive", drives.value[0]!)).toEqual([]);
    const list = (await graph.api(`/sites/${siteId()}/lists/Reports`).get()) as { list: { template: string }; webUrl: string };
    expect(list.list.template).toBe("documentLibrary");
    expect(list.webUrl).toBe(`${sandbox.url}/sites/${demoSite.path}/Reports`);
    const byList = (await graph.api(`/sites/${siteId()}/lists/Reports/drive`).get()) as { id: string };
    expect(byList.id).toBe(drives.value[0]!.id);
    // A list that is not a library has no drive; the site has no default Documents library here.
    await expect(graph.api(`/sites/${siteId()}/lists/Cases/drive`).get()).rejects.toMatchObject({ statusCode: 404, code: "itemNotFound" });
    await expect(graph.api(`/sites/${siteId()}/drive`).get()).rejects.toMatchObject({ statusCode: 404 });
  });

  it("saves a file through the app's adapter (201), replaces it on a second save (200), and serves its bytes by the download URL", async () => {
    const reports = documentLibrary(sharePointSite(graph, siteAddress), "Reports");
    const first = await reports.save("progress-summary-2025-26.html", Buffer.from("<h1>First</h1>"), "text/html");
    expect(first).toMatchObject({ name: "progress-summary-2025-26.html", webUrl: `${sandbox.url}/sites/${demoSite.path}/Reports/progress-summary-2025-26.html` });
    const again = await reports.save("progress-summary-2025-26.html", Buffer.from("<h1>Second</h1>"), "text/html");
    expect(again.id).toBe(first.id);
    const statuses = sandbox.requests.filter((r) => r.method === "PUT" && r.path.includes("progress-summary-2025-26.html")).map((r) => r.status);
    expect(statuses).toEqual([201, 200]);

    const drive = (await graph.api(`/sites/${siteId()}/lists/Reports/drive`).get()) as { id: string };
    const item = (await graph.api(`/drives/${drive.id}/items/${first.id}`).get()) as Record<string, unknown>;
    expect(undefinedProperties("driveItem", item)).toEqual([]);
    expect(item).toMatchObject({ name: "progress-summary-2025-26.html", size: 15, file: { mimeType: "text/html" }, parentReference: { driveId: drive.id, driveType: "documentLibrary" } });
    // GET …/content answers 302 to a URL that needs no token, as Graph's does.
    const content = await fetch(`${sandbox.graphUrl}/drives/${drive.id}/items/${first.id}/content`, { headers: { authorization: `Bearer ${token}` }, redirect: "manual" });
    expect(content.status).toBe(302);
    const download = await fetch(content.headers.get("location")!);
    expect(await download.text()).toBe("<h1>Second</h1>");
    expect((await fetch(content.headers.get("location")!.replace(/tempauth=[^&]+/, "tempauth=wrong"))).status).toBe(401);
    const children = (await graph.api(`/drives/${drive.id}/root/children`).get()) as { value: { name: string }[] };
    expect(children.value.map((c) => c.name)).toContain("progress-summary-2025-26.html");
    expect(sandbox.area<DrivesArea>("drives").file(siteId(), "Reports", "progress-summary-2025-26.html")?.bytes.toString()).toBe("<h1>Second</h1>");
  });

  it("keeps JSON as bytes, refuses a name Graph refuses, a conflict when asked to fail, a folder it does not have, and no token", async () => {
    const drive = (await graph.api(`/sites/${siteId()}/lists/Reports/drive`).get()) as { id: string };
    const json = await put(`/drives/${drive.id}/items/root:/figures.json:/content`, '{"a": 1}\n', "application/json");
    expect(json.status).toBe(201);
    expect(sandbox.area<DrivesArea>("drives").file(siteId(), "Reports", "figures.json")?.bytes.toString()).toBe('{"a": 1}\n');
    expect((await put(`/drives/${drive.id}/items/root:/bad%3Fname.html:/content`, "x")).status).toBe(400);
    const conflict = await put(`/drives/${drive.id}/items/root:/figures.json:/content?@microsoft.graph.conflictBehavior=fail`, "{}", "application/json");
    expect(conflict.status).toBe(409);
    expect(((await conflict.json()) as { error: { code: string } }).error.code).toBe("nameAlreadyExists");
    expect((await put(`/drives/${drive.id}/items/01NOSUCHFOLDER:/x.html:/content`, "x")).status).toBe(404);
    expect((await fetch(`${sandbox.graphUrl}/drives/${drive.id}/items/root:/x.html:/content`, { method: "PUT", body: "x" })).status).toBe(401);
  });

  it("shows the library and opens a file in the browser, with nothing in it allowed to run", async () => {
    const page = await fetch(`${sandbox.url}/sites/${demoSite.path}/Reports`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("progress-summary-2025-26.html");
    const file = await fetch(`${sandbox.url}/sites/${demoSite.path}/Reports/progress-summary-2025-26.html`);
    expect(file.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(file.headers.get("content-security-policy")).toMatch(/^sandbox; default-src 'none'/);
    expect(await file.text()).toBe("<h1>Second</h1>");
  });
});

describe("a site with no Reports library", () => {
  it("says to provision, then provisioning creates it (once)", async () => {
    const reports = documentLibrary(sharePointSite(connect(empty), siteAddress), "Reports");
    await expect(reports.save("x.html", Buffer.from("x"), "text/html")).rejects.toBeInstanceOf(LibraryMissingError);
    expect(await reports.ensure()).toBe("created");
    expect(await reports.ensure()).toBe("exists");
    expect((await reports.save("x.html", Buffer.from("x"), "text/html")).name).toBe("x.html");
  });
});
