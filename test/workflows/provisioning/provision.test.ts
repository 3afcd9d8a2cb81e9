import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startGraphSandbox, type GraphSandbox } from "../../../sandbox/graph/server";
import { defaultAreas, type SitesArea } from "../../../sandbox/graph/areas";
import { defaultApp } from "../../../sandbox/graph/auth";
import { seedEmptySite } from "../../../sandbox/demo/emptySite";
import { demoSchools, demoSite } from "../../../sandbox/demo/demoTenant";
import { listDefinitions, toColumnDefinitions } from "../../../src/domain/lists";

/**
 * `npm run provision` as an administrator runs it (the compiled CLI in its own process, the app's real Graph
 * client), against a sandbox site with no lists. The sandbox's request log is the evidence: the second run
 * sends no POST and no PATCH.
 */
const root = join(__dirname, "..", "..", "..");
const cli = join(root, "dist", "scripts", "provision.js");
let graph: GraphSandbox;
let work: string;

function provision(...args: string[]): Promise<{ code: number; out: string }> {
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
          AZURE_CLIENT_SECRET: defaultApp.clientSecret,
          // Views and formatting go through SharePoint's REST API, which wants a certificate (test/workflows/provisioning/views.test.ts).
          AZURE_CLIENT_CERTIFICATE_PATH: join(root, "sandbox", "tls", "app-credential.pem"),
          PARTNERSHIP_MAILBOX: "partnership@lncip.example",
        },
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, out: `${stdout}${stderr}` }),
    );
  });
}

const writes = (from: number) => graph.requests.slice(from).filter((r) => r.method === "POST" || r.method === "PATCH" || r.method === "DELETE");
const schoolsCsv = ["Urn,SchoolName,AttendanceLeadEmail,SencoEmail,DslEmail,FinanceEmail,EmailDomain", ...demoSchools.map((s) => [s.Urn, `"${s.SchoolName}"`, s.AttendanceLeadEmail, s.SencoEmail, s.DslEmail, s.FinanceEmail, s.EmailDomain].join(","))].join("\r\n");

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "provision-"));
  graph = await startGraphSandbox({ port: 0, areas: defaultAreas(), seed: seedEmptySite });
}, 30_000);
afterAll(async () => {
  await graph?.close();
  rmSync(work, { recursive: true, force: true });
});

describe("npm run provision against a site with no lists", () => {
  it("first run creates every list with every column, names and indexes Title, and says so", async () => {
    const { code, out } = await provision();
    expect(out).toContain("Cases: created the list");
    expect(code).toBe(0);
    const sites = graph.area<SitesArea>("sites");
    const siteId = sites.siteIdByPath(demoSite.hostname, demoSite.path);
    const created = graph.requests.filter((r) => r.method === "POST" && /\/lists$/.test(r.path));
    // Every list, and the Reports document library the annual summary is saved to.
    expect(created).toHaveLength(listDefinitions.length + 1);
    expect(created.map((r) => (r.requestBody as { displayName: string; list?: { template?: string } }).list?.template)).toContain("documentLibrary");
    expect(out).toContain("Reports library — Reports: created");
    const lists = (await (await fetch(`${graph.graphUrl}/sites/${siteId}/lists?$expand=columns`, { headers: { authorization: `Bearer ${await token()}` } })).json()) as { value: { name: string; columns: { name: string; displayName: string; indexed: boolean }[] }[] };
    for (const def of listDefinitions) {
      const list = lists.value.find((l) => l.name === def.name);
      expect(list, def.name).toBeDefined();
      for (const c of toColumnDefinitions(def)) expect(list!.columns.map((x) => x.name)).toContain(c.name);
    }
    const casesTitle = lists.value.find((l) => l.name === "Cases")!.columns.find((c) => c.name === "Title")!;
    expect(casesTitle).toMatchObject({ displayName: "Case reference", indexed: true });
    expect(out).toMatch(/✓ Read the partnership site/);
    expect(out).toMatch(/✓ Manage the site's lists.*this run created or changed lists/);
    expect(out).toMatch(/✓ Read and write partnership@lncip.example's calendar/);
    expect(out).toMatch(/\? Send mail as partnership@lncip.example.*not verified/);
  });

  it("second run changes nothing: no POST, PATCH or DELETE in the sandbox's request log", async () => {
    const before = graph.requests.length;
    const { code, out } = await provision();
    expect(code).toBe(0);
    expect(out).toContain("nothing to change");
    expect(writes(before)).toEqual([]);
    expect(graph.requests.length).toBeGreaterThan(before); // it did read
  });

  it("seeds the Schools list from a CSV, then finds nothing to change; an edited school is updated, not duplicated", async () => {
    writeFileSync(join(work, "schools.csv"), schoolsCsv);
    let before = graph.requests.length;
    const first = await provision("--schools", "schools.csv");
    expect(first.code).toBe(0);
    expect(first.out).toContain(`Schools — ${demoSchools.length} added, 0 updated, 0 unchanged`);
    expect(writes(before).filter((r) => r.method === "POST")).toHaveLength(demoSchools.length);

    before = graph.requests.length;
    const second = await provision("--schools", "schools.csv");
    expect(second.out).toContain(`Schools — 0 added, 0 updated, ${demoSchools.length} unchanged`);
    expect(writes(before)).toEqual([]);

    writeFileSync(join(work, "schools.csv"), schoolsCsv.replace(demoSchools[0]!.SencoEmail, `new.${demoSchools[0]!.SencoEmail}`));
    before = graph.requests.length;
    const third = await provision("--schools", "schools.csv");
    expect(third.out).toContain("Schools — 0 added, 1 updated");
    expect(writes(before)).toHaveLength(1);
    expect(writes(before)[0]).toMatchObject({ method: "PATCH", requestBody: { SencoEmail: `new.${demoSchools[0]!.SencoEmail}` } });
  });

  it("refuses a CSV with a bad line before writing anything, naming the line", async () => {
    const lines = schoolsCsv.split("\r\n");
    lines[3] = lines[3]!.replace(/^\d{6}/, "12345");
    writeFileSync(join(work, "bad.csv"), lines.join("\n"));
    const before = graph.requests.length;
    const { code, out } = await provision("--schools", "bad.csv");
    expect(code).toBe(1);
    expect(out).toContain("line 4: Urn: expected the school's 6-digit URN");
    expect(graph.requests.length).toBe(before);
  });

  it("seeds the Providers list from a CSV (the partnership's database of APs), then finds nothing to change; a bad line stops it, named", async () => {
    const providersCsv = [
      "ProviderId,Name,URN,UKPRN,Registered as a school,Last quality-assurance visit,Safeguarding checks confirmed on,Sites,Contact email",
      `riverside,Riverside Alternative Provision,,10099001,No,2026-10-14,2026-09-08,"Unit 4, Mill Lane, Loughborough",office@riverside-ap.example`,
      `hillview,Hillview Independent School,139876,,Yes,2026-09-22,2026-09-22,Hillview House; Quorn annexe,admissions@hillview.example`,
    ].join("\r\n");
    writeFileSync(join(work, "providers.csv"), providersCsv);
    let before = graph.requests.length;
    const first = await provision("--providers", "providers.csv");
    expect(first.code).toBe(0);
    expect(first.out).toContain("Providers — 2 added, 0 updated, 0 unchanged");
    const sites = graph.area<SitesArea>("sites");
    const rows = sites.items(sites.siteIdByPath(demoSite.hostname, demoSite.path), "Providers");
    expect(rows.map((r) => r.fields)).toEqual(expect.arrayContaining([
      expect.objectContaining({ Title: "Riverside Alternative Provision", ProviderId: "riverside", Ukprn: "10099001", RegisteredSchool: false, Sites: "Unit 4, Mill Lane, Loughborough" }),
      expect.objectContaining({ Title: "Hillview Independent School", ProviderId: "hillview", Urn: "139876", RegisteredSchool: true, Sites: "Hillview House\nQuorn annexe" }),
    ]));
    before = graph.requests.length;
    expect((await provision("--providers", "providers.csv")).out).toContain("Providers — 0 added, 0 updated, 2 unchanged");
    expect(writes(before)).toEqual([]);

    writeFileSync(join(work, "providers-bad.csv"), providersCsv.replace(",,10099001,No", ",,,No"));
    before = graph.requests.length;
    const bad = await provision("--providers", "providers-bad.csv");
    expect(bad.code).toBe(1);
    expect(bad.out).toContain("line 2: Riverside Alternative Provision needs its URN or UKPRN.");
    expect(graph.requests.length).toBe(before);
  });

  it("--check-write proves the right to manage lists with a write that changes nothing", async () => {
    const { code, out } = await provision("--check-write");
    expect(code).toBe(0);
    expect(out).toMatch(/✓ Manage the site's lists.*re-saved the Schools list's Title column unchanged/);
  });
});

async function token(): Promise<string> {
  const res = await fetch(`${graph.authorityHost}/${defaultApp.tenantId}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: defaultApp.clientId, client_secret: defaultApp.clientSecret, scope: "https://graph.microsoft.com/.default" }),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}
