import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { ClientCertificateCredential, ClientSecretCredential } from "@azure/identity";
import { startGraphSandbox, type GraphSandbox } from "../../../sandbox/graph/server";
import { defaultAreas, type SharePointRestArea, type SitesArea } from "../../../sandbox/graph/areas";
import { defaultApp } from "../../../sandbox/graph/auth";
import { demoSite, seedDemoTenant } from "../../../sandbox/demo/demoTenant";
import { listViews, viewQueryXml } from "../../../src/domain/lists/views";
import { sharePointRest, SharePointRestError } from "../../../src/m365/sharepoint/sharePointRest";
import { graphClient } from "../../../src/m365/graph/graphClient";

/**
 * The sandbox's SharePoint REST surface (the part Graph lacks: views and column formatting) behaves as SharePoint
 * does: its own token audience, certificate-only app tokens, the documented request shapes, SharePoint's errors.
 * Driven through the app's own REST client and @azure/identity's real credentials.
 */
let graph: GraphSandbox;
let web: string;
let certificate: ClientCertificateCredential;
let secret: ClientSecretCredential;
const cases = "/_api/web/lists/GetByTitle('Cases')";

async function raw(path: string, init: { method?: string; token?: string; headers?: Record<string, string>; body?: string } = {}) {
  const res = await fetch(`${web}${path}`, { method: init.method ?? "GET", headers: { accept: "application/json;odata=nometadata", ...(init.token ? { authorization: `Bearer ${init.token}` } : {}), ...init.headers }, ...(init.body ? { body: init.body } : {}) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

beforeAll(async () => {
  graph = await startGraphSandbox({ port: 0, areas: defaultAreas(), seed: seedDemoTenant });
  web = `${graph.url}/sites/${demoSite.path}`;
  const options = { authorityHost: graph.authorityHost, disableInstanceDiscovery: true };
  certificate = new ClientCertificateCredential(defaultApp.tenantId, defaultApp.clientId, { certificatePath: join(__dirname, "..", "..", "..", "sandbox", "tls", "app-credential.pem") }, options);
  secret = new ClientSecretCredential(defaultApp.tenantId, defaultApp.clientId, defaultApp.clientSecret, options);
}, 30_000);
afterAll(async () => {
  await graph?.close();
});

describe("SharePoint's REST API in the sandbox", () => {
  it("gives the site's webUrl from Graph on the sandbox's origin, where /_api answers", async () => {
    const site = (await graphClient({ GRAPH_BASE_URL: graph.graphUrl, AZURE_AUTHORITY_HOST: graph.authorityHost, AZURE_TENANT_ID: defaultApp.tenantId, AZURE_CLIENT_ID: defaultApp.clientId, AZURE_CLIENT_SECRET: defaultApp.clientSecret }).api(`/sites/${demoSite.hostname}:/sites/${demoSite.path}`).get()) as { webUrl: string; siteCollection: { hostname: string } };
    expect(site.webUrl).toBe(web);
    expect(site.siteCollection.hostname).toBe(demoSite.hostname);
    const answer = await sharePointRest(site.webUrl, certificate).get<{ Title: string }>("/_api/web");
    expect(answer.Title).toBe(demoSite.displayName);
  });

  it("takes tokens for its own host only, and no app-only token obtained with a client secret", async () => {
    const none = await raw(`${cases}/views`);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer realm="[^"]+",client_id="00000003-0000-0ff1-ce00-000000000000"/);

    const graphToken = (await secret.getToken("https://graph.microsoft.com/.default"))!.token;
    const wrongAudience = await raw(`${cases}/views`, { token: graphToken });
    expect(wrongAudience.status).toBe(401);
    expect(wrongAudience.json).toMatchObject({ error_description: expect.stringContaining("Invalid audience") });

    const secretToken = (await secret.getToken(`${graph.url}/.default`))!.token;
    const fromSecret = await raw(`${cases}/views`, { token: secretToken });
    expect(fromSecret.status).toBe(401);
    expect(fromSecret.json).toEqual({ error_description: "Unsupported app only token." });
    await expect(sharePointRest(web, secret).get(`${cases}/views`)).rejects.toThrow(/Unsupported app only token.*certificate/);

    const certToken = (await certificate.getToken(`${graph.url}/.default`))!.token;
    expect((await raw(`${cases}/views`, { token: certToken })).status).toBe(200);
  });

  it("refuses a token for a resource it does not know, as Entra does (AADSTS500011)", async () => {
    await expect(certificate.getToken("https://contoso-elsewhere.sharepoint.com/.default")).rejects.toThrow(/AADSTS500011/);
  });

  it("lists a list's views with their fields, in nometadata or verbose shape", async () => {
    const token = (await certificate.getToken(`${graph.url}/.default`))!.token;
    const bare = await raw(`${cases}/views?$select=Title,ViewQuery&$expand=ViewFields`, { token });
    const ready = (bare.json!.value as { Title: string; ViewQuery: string; ViewFields: { Items: string[] }; RowLimit?: number }[]).find((v) => v.Title === "Ready for Core Group")!;
    expect(ready.ViewQuery).toBe(viewQueryXml(listViews.find((v) => v.title === "Ready for Core Group")!));
    expect(ready.ViewFields.Items).toEqual([...listViews.find((v) => v.title === "Ready for Core Group")!.fields]);
    expect(ready.RowLimit).toBeUndefined(); // $select honoured
    const verbose = await raw(`${cases}/views/GetByTitle('Ready for Core Group')`, { token, headers: { accept: "application/json;odata=verbose" } });
    expect(verbose.json).toMatchObject({ d: { __metadata: { type: "SP.View" }, Title: "Ready for Core Group" } });
  });

  it("refuses a verbose body without __metadata, a property SP.View lacks, and a view changed without MERGE, in SharePoint's words", async () => {
    const token = (await certificate.getToken(`${graph.url}/.default`))!.token;
    const post = (body: unknown, headers: Record<string, string> = {}) => raw(`${cases}/views`, { method: "POST", token, headers: { "content-type": "application/json;odata=verbose", ...headers }, body: JSON.stringify(body) });
    const noType = await post({ Title: "Mine" });
    expect(noType.status).toBe(400);
    expect(noType.json).toMatchObject({ "odata.error": { code: "-1, Microsoft.SharePoint.Client.InvalidClientQueryException", message: { lang: "en-US", value: expect.stringContaining("__metadata") } } });
    const unknown = await post({ __metadata: { type: "SP.View" }, Title: "Mine", Colour: "red" });
    expect(unknown.status).toBe(400);
    expect((unknown.json!["odata.error"] as { message: { value: string } }).message.value).toBe("The property 'Colour' does not exist on type 'SP.View'. Make sure to only use property names that are defined by the type.");
    const badCaml = await post({ __metadata: { type: "SP.View" }, Title: "Mine", ViewQuery: "<Where><Eq>" });
    expect(badCaml.status).toBe(400);
    const view = graph.area<SharePointRestArea>("sharepointRest").viewsOf(graph.area<SitesArea>("sites").siteIdByPath(demoSite.hostname, demoSite.path), "Cases")[0]!;
    const noMerge = await raw(`${cases}/views('${view.Id}')`, { method: "POST", token, headers: { "content-type": "application/json;odata=nometadata" }, body: JSON.stringify({ RowLimit: 5 }) });
    expect(noMerge.status).toBe(405);
    const merged = await raw(`${cases}/views('${view.Id}')`, { method: "POST", token, headers: { "content-type": "application/json;odata=nometadata", "x-http-method": "MERGE", "if-match": "*" }, body: JSON.stringify({ RowLimit: 5 }) });
    expect(merged.status).toBe(204);
    expect(view.RowLimit).toBe(5);
  });

  it("answers a missing list 404 and a missing column 400, with SharePoint's messages", async () => {
    const rest = sharePointRest(web, certificate);
    const list = await rest.get("/_api/web/lists/GetByTitle('Nope')/views").catch((e: unknown) => e);
    expect(list).toBeInstanceOf(SharePointRestError);
    expect(list).toMatchObject({ status: 404, message: `List 'Nope' does not exist at site with URL '${web}'.` });
    const column = await rest.get(`${cases}/fields/getbyinternalnameortitle('Nope')`).catch((e: unknown) => e);
    expect(column).toMatchObject({ status: 400, message: expect.stringContaining("Column 'Nope' does not exist. It may have been deleted by another user.") });
    const field = await rest.get<{ InternalName: string; CustomFormatter: string }>(`${cases}/fields/getbyinternalnameortitle('Status')?$select=InternalName,CustomFormatter`);
    expect(field.InternalName).toBe("Status");
    expect(JSON.parse(field.CustomFormatter)).toMatchObject({ elmType: "div" });
  });

  it("throttles with Retry-After when told to, and the app's REST client waits and tries again", async () => {
    graph.faults.add({ kind: "429", count: 2, retryAfterSeconds: 3, route: `GET /sites/${demoSite.path}/_api/` });
    const waits: number[] = [];
    const rest = sharePointRest(web, certificate, { sleep: async (ms) => void waits.push(ms) });
    const views = await rest.get<{ value: unknown[] }>(`${cases}/views`);
    expect(views.value.length).toBeGreaterThan(5);
    expect(waits).toEqual([3000, 3000]);
    graph.faults.clear();
  });
});
