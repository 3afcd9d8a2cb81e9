import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startGraphSandbox, type GraphSandbox } from "../../../sandbox/graph/server";
import { defaultAreas, type SharePointRestArea, type SitesArea } from "../../../sandbox/graph/areas";
import { defaultApp } from "../../../sandbox/graph/auth";
import { seedEmptySite } from "../../../sandbox/demo/emptySite";
import { demoSite } from "../../../sandbox/demo/demoTenant";
import { listDefinitions } from "../../../src/domain/lists/lists";

/**
 * Least privilege on the site, as `npm run provision` sets it through SharePoint's REST API (Graph cannot): every list
 * the app keeps is read and changed by the partnership staff group only (Contribute), administered by the site's
 * owners, and no longer open to the team's members; a second run changes nothing; a dry run is the check that
 * reports a list broader than that. The compiled CLI in its own process against the sandbox, as an administrator runs it.
 */
const root = join(__dirname, "..", "..", "..");
const cli = join(root, "dist", "scripts", "provision.js");
let graph: GraphSandbox;
let work: string;
let siteId: string;
const lists = listDefinitions.map((d) => d.displayName);

function provision(...args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cli, "--site", `${demoSite.hostname}:/sites/${demoSite.path}`, "--skip-views", ...args],
      {
        cwd: work,
        env: {
          PATH: process.env.PATH ?? "",
          NODE_EXTRA_CA_CERTS: join(root, "sandbox", "tls", "cert.pem"),
          GRAPH_BASE_URL: graph.graphUrl,
          AZURE_AUTHORITY_HOST: graph.authorityHost,
          AZURE_TENANT_ID: defaultApp.tenantId,
          AZURE_CLIENT_ID: defaultApp.clientId,
          AZURE_CLIENT_CERTIFICATE_PATH: join(root, "sandbox", "tls", "app-credential.pem"),
          PARTNERSHIP_MAILBOX: "partnership@lncip.example",
        },
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, out: `${stdout}${stderr}` }),
    );
  });
}
const sp = () => graph.area<SharePointRestArea>("sharepointRest");
const writes = (from: number) => graph.requests.slice(from).filter((r) => r.method !== "GET");

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "provision-permissions-"));
  graph = await startGraphSandbox({ port: 0, areas: defaultAreas(), seed: seedEmptySite });
  siteId = graph.area<SitesArea>("sites").siteIdByPath(demoSite.hostname, demoSite.path);
}, 30_000);
afterAll(async () => {
  await graph?.close();
  rmSync(work, { recursive: true, force: true });
});

describe("npm run provision: the lists for partnership staff only", () => {
  it("a dry run on a new site reports every list as broader than staff (the team's members can edit it) and writes nothing", async () => {
    await provision("--skip-permissions"); // the lists first, as they are before permissions are set
    const before = graph.requests.length;
    const { code, out } = await provision("--dry-run");
    expect(code).toBe(1);
    expect(out).toContain('created the SharePoint group "Partnership staff"');
    for (const list of lists) expect(out).toContain(`✗ ${list}: inherits the site's permissions`);
    expect(out).toMatch(/✗ Cases: [^\n]* Members has Edit/);
    expect(writes(before)).toEqual([]);
  });

  it("gives each list its own permissions through the REST requests SharePoint documents: staff Contribute, owners Full Control, nobody else", async () => {
    const before = graph.requests.length;
    const { code, out } = await provision();
    expect(code, out).toBe(0);
    expect(out).toContain('Site permissions — checked: every list is read and changed by "Partnership staff" only');
    const paths = writes(before).map((r) => `${r.method} ${decodeURIComponent(r.path).replace(`/sites/${demoSite.path}/_api/web`, "")}`);
    expect(paths).toContain("POST /sitegroups");
    expect(paths).toContain("POST /lists/GetByTitle('Cases')/breakroleinheritance(copyRoleAssignments=false,clearSubscopes=true)");
    expect(paths.filter((p) => /\/lists\/GetByTitle\('Cases'\)\/roleassignments\/addroleassignment\(principalid=\d+,roledefid=\d+\)$/.test(p))).toHaveLength(2);
    for (const list of lists) {
      const p = sp().permissionsOf(siteId, list);
      expect(p.unique, list).toBe(true);
      const byPrincipal = Object.fromEntries(p.assignments.map((a) => [a.principal, a.roles]));
      expect(byPrincipal["Partnership staff"], list).toEqual(["Contribute"]);
      expect(Object.entries(byPrincipal).find(([who]) => who.endsWith(" Owners"))?.[1], list).toEqual(["Full Control"]);
      expect(Object.keys(byPrincipal).filter((who) => who.endsWith(" Members") || who.endsWith(" Visitors")), list).toEqual([]);
    }
  }, 60_000);

  it("a second run writes nothing", async () => {
    const before = graph.requests.length;
    const { code, out } = await provision();
    expect(code, out).toBe(0);
    expect(out).toContain("Site permissions — nothing to change");
    expect(writes(before)).toEqual([]);
  });

  it("reports a list someone opened to the team's members (the check), and the next run takes it back", async () => {
    const members = sp().permissionsOf(siteId, "Cases");
    expect(members.unique).toBe(true);
    const site = graph.area<SitesArea>("sites").siteInfo(siteId).displayName;
    sp().grant(siteId, "Attendance", `${site} Members`, "Edit");
    const check = await provision("--dry-run");
    expect(check.code).toBe(1);
    expect(check.out).toContain(`✗ Attendance: ${site} Members has Edit`);
    expect(check.out).not.toMatch(/✗ Cases:/);
    const fixed = await provision();
    expect(fixed.code, fixed.out).toBe(0);
    expect(fixed.out).toContain(`Attendance: ${site} Members no longer has Edit (only partnership staff may)`);
    expect(sp().permissionsOf(siteId, "Attendance").assignments.map((a) => a.principal)).not.toContain(`${site} Members`);
  }, 60_000);
});
