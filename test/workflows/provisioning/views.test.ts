import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startGraphSandbox, type GraphSandbox, type RequestLogEntry } from "../../../sandbox/graph/server";
import { defaultAreas, type SharePointRestArea, type SitesArea } from "../../../sandbox/graph/areas";
import { defaultApp } from "../../../sandbox/graph/auth";
import { seedEmptySite } from "../../../sandbox/demo/emptySite";
import { demoSite } from "../../../sandbox/demo/demoTenant";
import { columnFormatting, listViews, viewQueryXml } from "../../../src/domain/lists/views";
import { schoolCalendarFor, shippedCalendars } from "../../../src/domain/calendar";

/**
 * `npm run provision` gives the coordinator's lists their views and column formatting through SharePoint's REST
 * API (Graph has neither), as an administrator runs it: the compiled CLI in its own process, with the sandbox app's
 * certificate credential (SharePoint refuses app-only tokens from a client secret). The sandbox's request log is the
 * evidence of the request shapes Microsoft documents, and of a second run that writes nothing.
 */
const root = join(__dirname, "..", "..", "..");
const cli = join(root, "dist", "scripts", "provision.js");
const certificate = join(root, "sandbox", "tls", "app-credential.pem");
let graph: GraphSandbox;
let work: string;
let siteId: string;
const formatting = columnFormatting(schoolCalendarFor(shippedCalendars.leicestershire!));

function provision(env: Record<string, string>, ...args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cli, "--site", `${demoSite.hostname}:/sites/${demoSite.path}`, ...args],
      {
        cwd: work,
        env: {
          PATH: process.env.PATH ?? "",
          NODE_EXTRA_CA_CERTS: join(root, "sandbox", "tls", "cert.pem"),
          GRAPH_BASE_URL: graph.graphUrl,
          AZURE_AUTHORITY_HOST: graph.authorityHost,
          AZURE_TENANT_ID: defaultApp.tenantId,
          AZURE_CLIENT_ID: defaultApp.clientId,
          PARTNERSHIP_MAILBOX: "partnership@lncip.example",
          ...env,
        },
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, out: `${stdout}${stderr}` }),
    );
  });
}

const rest = (from = 0) => graph.requests.slice(from).filter((r) => r.path.startsWith(`/sites/${demoSite.path}/_api/`));
const restWrites = (from = 0) => rest(from).filter((r) => r.method !== "GET");
const spArea = () => graph.area<SharePointRestArea>("sharepointRest");

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "provision-views-"));
  graph = await startGraphSandbox({ port: 0, areas: defaultAreas(), seed: seedEmptySite });
  siteId = graph.area<SitesArea>("sites").siteIdByPath(demoSite.hostname, demoSite.path);
}, 30_000);
afterAll(async () => {
  await graph?.close();
  rmSync(work, { recursive: true, force: true });
});

describe("npm run provision: the coordinator's views and column formatting", () => {
  it("with only a client secret, provisions the lists, then says why views need a certificate and fails", async () => {
    const { code, out } = await provision({ AZURE_CLIENT_SECRET: defaultApp.clientSecret });
    expect(out).toContain("Cases: created the list");
    expect(out).toContain("Views and formatting — not provisioned: SharePoint's REST API refuses app-only tokens obtained with a client secret.");
    expect(out).toContain("AZURE_CLIENT_CERTIFICATE_PATH");
    expect(code).toBe(1);
    expect(rest()).toEqual([]);
    const skipped = await provision({ AZURE_CLIENT_SECRET: defaultApp.clientSecret }, "--skip-views", "--skip-permissions");
    expect(skipped.out).toContain("Views and formatting — skipped (--skip-views).");
    expect(skipped.code).toBe(0);
  });

  it("with the certificate, creates every view and formatter once, through the REST requests Microsoft documents", async () => {
    const before = graph.requests.length;
    const { code, out } = await provision({ AZURE_CLIENT_CERTIFICATE_PATH: certificate });
    expect(out, out).toContain('Cases: created the view "Ready for Core Group"');
    expect(out).toContain("Reviews: column DueDate formatted");
    expect(code, out).toBe(0);

    const log = rest(before);
    // Creating a view: POST .../lists/GetByTitle('…')/views, an SP.View body with Title, PersonalView, ViewQuery, RowLimit.
    const creates = log.filter((r) => r.method === "POST" && /\/_api\/web\/lists\/GetByTitle\('[^']+'\)\/views$/.test(r.path));
    expect(creates).toHaveLength(listViews.length);
    for (const c of creates) {
      expect(c.status).toBe(201);
      expect(c.requestHeaders).toMatchObject({ accept: "application/json;odata=nometadata", "content-type": "application/json;odata=verbose" });
      expect(Object.keys(c.requestBody as object).sort()).toEqual(expect.arrayContaining(["PersonalView", "RowLimit", "Title", "ViewQuery", "__metadata"]));
      expect(c.requestBody).toMatchObject({ __metadata: { type: "SP.View" }, PersonalView: false });
    }
    const ready = creates.find((c) => (c.requestBody as { Title: string }).Title === "Ready for Core Group")!;
    expect(ready.path).toBe(`/sites/${demoSite.path}/_api/web/lists/GetByTitle('Cases')/views`);
    expect((ready.requestBody as { ViewQuery: string }).ViewQuery).toBe(viewQueryXml(listViews.find((v) => v.title === "Ready for Core Group")!));
    // View fields: removeallviewfields, then addviewfield('…') for each column in order (no body).
    const readyFields = log.filter((r) => /\/ViewFields\/addviewfield\('/.test(r.path) && r.path.includes(spArea().viewsOf(siteId, "Cases").find((v) => v.Title === "Ready for Core Group")!.Id));
    expect(readyFields.map((r) => /addviewfield\('([^']+)'\)/.exec(r.path)?.[1])).toEqual([...listViews.find((v) => v.title === "Ready for Core Group")!.fields]);
    expect(readyFields.every((r) => r.status === 200 && r.requestBody === undefined)).toBe(true);
    // Formatting: POST .../fields/getbyinternalnameortitle('…') with X-HTTP-Method MERGE, IF-MATCH *, an SP.Field body with CustomFormatter.
    const merges = log.filter((r) => /\/fields\/getbyinternalnameortitle\('[^']+'\)$/.test(r.path) && r.method === "POST");
    expect(merges).toHaveLength(formatting.length);
    for (const m of merges) {
      expect(m.status).toBe(204);
      expect(m.requestHeaders).toMatchObject({ "x-http-method": "MERGE", "if-match": "*", "content-type": "application/json;odata=verbose" });
      expect(Object.keys(m.requestBody as object).sort()).toEqual(["CustomFormatter", "__metadata"]);
      expect(m.requestBody).toMatchObject({ __metadata: { type: "SP.Field" } });
      expect(typeof (m.requestBody as { CustomFormatter: unknown }).CustomFormatter).toBe("string");
    }

    // What SharePoint now holds is what the domain declares.
    for (const def of listViews) {
      const view = spArea().viewsOf(siteId, def.list).find((v) => v.Title === def.title);
      expect(view, `${def.list}/${def.title}`).toMatchObject({ ViewQuery: viewQueryXml(def), RowLimit: def.rowLimit, ViewFields: [...def.fields] });
    }
    expect(spArea().viewsOf(siteId, "Cases").find((v) => v.DefaultView)?.Title).toBe("Open cases");
    for (const f of formatting) expect(JSON.parse(spArea().formatterOf(siteId, f.list, f.column) ?? "null"), `${f.list}.${f.column}`).toEqual(f.formatter);
  });

  it("a second run reads and writes nothing: no POST, PATCH, MERGE or DELETE to Graph or SharePoint", async () => {
    const before = graph.requests.length;
    const { code, out } = await provision({ AZURE_CLIENT_CERTIFICATE_PATH: certificate });
    expect(code, out).toBe(0);
    expect(out).toContain("Views and formatting — nothing to change");
    const writes = graph.requests.slice(before).filter((r: RequestLogEntry) => r.method !== "GET");
    expect(writes).toEqual([]);
    expect(rest(before).length).toBeGreaterThan(0); // it did read the views and fields
  });

  it("puts back a view someone changed and a formatter someone removed, and only those", async () => {
    const view = spArea().viewsOf(siteId, "Cases").find((v) => v.Title === "Waiting list")!;
    view.ViewQuery = '<Where><Eq><FieldRef Name="Status" /><Value Type="Choice">Received</Value></Eq></Where>';
    view.ViewFields.splice(1, 1);
    spArea().setFormatter(siteId, "Cases", "Status", JSON.stringify({ elmType: "div", txtContent: "@currentField" }));
    const before = graph.requests.length;
    const { code, out } = await provision({ AZURE_CLIENT_CERTIFICATE_PATH: certificate });
    expect(code, out).toBe(0);
    expect(out).toContain('Cases: view "Waiting list" brought back to the app\'s filter and order');
    expect(out).toContain("Cases: column Status formatted");
    const writes = restWrites(before);
    const merged = writes.filter((r) => r.requestHeaders?.["x-http-method"] === "MERGE");
    expect(merged.map((r) => r.path)).toEqual([`/sites/${demoSite.path}/_api/web/lists/GetByTitle('Cases')/views('${view.Id}')`, `/sites/${demoSite.path}/_api/web/lists/GetByTitle('Cases')/fields/getbyinternalnameortitle('Status')`]);
    expect(merged[0]!.requestBody).toEqual({ __metadata: { type: "SP.View" }, ViewQuery: viewQueryXml(listViews.find((v) => v.title === "Waiting list")!) });
    expect(writes.filter((r) => /addviewfield/.test(r.path))).toHaveLength(listViews.find((v) => v.title === "Waiting list")!.fields.length);
    expect(spArea().viewsOf(siteId, "Cases").find((v) => v.Title === "Waiting list")!.ViewFields).toEqual([...listViews.find((v) => v.title === "Waiting list")!.fields]);
  });

  it("--dry-run says what would change and writes nothing", async () => {
    spArea().setFormatter(siteId, "Attendance", "Happened", "{}");
    const before = graph.requests.length;
    const { out } = await provision({ AZURE_CLIENT_CERTIFICATE_PATH: certificate }, "--dry-run");
    expect(out).toContain("Views and formatting — would change:");
    expect(out).toContain("Attendance: column Happened formatted");
    expect(graph.requests.slice(before).filter((r) => r.method !== "GET")).toEqual([]);
  });
});
