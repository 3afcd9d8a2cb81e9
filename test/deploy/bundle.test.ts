import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { SitesArea } from "../../sandbox/graph/areas";
import { demoForumCase, demoSite } from "../../sandbox/demo/demoTenant";
import { repoRoot, startLocalSystem, type LocalSystem } from "../../sandbox/localSystem";

/**
 * The deployable package (`npm run build` → dist/deploy) is what Azure runs: one CommonJS bundle with
 * @azure/functions-core left to the worker. Loaded in the local host with no node_modules beside it, it must
 * register every function and do real work (a referral becomes a case in SharePoint).
 */
const deploy = join(repoRoot, "dist", "deploy");
let system: LocalSystem;

beforeAll(async () => {
  system = await startLocalSystem({ appRoot: deploy });
}, 90_000);
afterAll(async () => {
  await system?.stop();
});

describe("the bundled deploy package", () => {
  it("is a package.json whose main is one bundle, host.json beside it, and @azure/functions-core left external", () => {
    const pkg = JSON.parse(readFileSync(join(deploy, "package.json"), "utf8")) as { main: string; dependencies?: unknown };
    expect(pkg.main).toBe("main.js");
    expect(pkg.dependencies).toBeUndefined();
    expect(existsSync(join(deploy, "host.json"))).toBe(true);
    expect(existsSync(join(deploy, "node_modules"))).toBe(false);
    const bundle = readFileSync(join(deploy, "main.js"), "utf8");
    expect(bundle).toMatch(/require\("@azure\/functions-core"\)/);
    expect(bundle).not.toMatch(/require\("@azure\/functions"\)/);
    expect(bundle).not.toMatch(/^export /m); // CommonJS, as the worker requires it
  });

  it("registers every trigger without loading the big SDKs, which wait beside it until first used, and references no source map", () => {
    const bundle = readFileSync(join(deploy, "main.js"), "utf8");
    expect(bundle).not.toMatch(/sourceMappingURL/);
    expect(existsSync(join(deploy, "main.js.map"))).toBe(true);
    for (const vendor of ["teams", "azure", "reports"]) expect(existsSync(join(deploy, "vendor", `${vendor}.js`))).toBe(true);
    // The Agents SDK, the card templating, the Graph client, identity and the storage SDKs are not in main.js, nor
    // the reports' Word writer and charts (docx, Vega, Vega-Lite, resvg).
    expect(bundle).not.toMatch(/class CloudAdapter\b/);
    expect(bundle).not.toMatch(/class TableClient\b/);
    expect(bundle).not.toMatch(/class _Packer2\b/);
    expect(bundle).not.toMatch(/function View\(/);
    // zod's error messages in English only (its other languages are a third of zod; the app never asks for them).
    expect(bundle).toMatch(/Invalid input: expected /);
    expect(bundle).not.toMatch(/Ungültige Eingabe/);
    // Loaded as the worker loads it, in a fresh process: every function registered, no vendor bundle read.
    const script = [
      `const { CoreState, installCoreModule } = require(${JSON.stringify(join(repoRoot, "dist", "sandbox", "host", "coreModule.js"))});`,
      "const core = new CoreState(); installCoreModule(core);",
      `require(${JSON.stringify(join(deploy, "main.js"))});`,
      "const vendors = Object.keys(require.cache).filter((f) => f.includes('vendor')).length;",
      "process.stdout.write(JSON.stringify({ functions: core.functions.size, vendors })); process.exit(0);",
    ].join("\n");
    const loaded = JSON.parse(execFileSync(process.execPath, ["-e", script], { env: { ...process.env, ...system.env } }).toString()) as { functions: number; vendors: number };
    expect(loaded.functions).toBeGreaterThanOrEqual(12);
    expect(loaded.vendors).toBe(0);
  });

  it("draws a chart and writes a Word document from the reports' vendor bundle, as the reports do on first use", async () => {
    const vendor = join(deploy, "vendor", "reports.js");
    const script = [
      `const r = require(${JSON.stringify(vendor)});`,
      "(async () => {",
      "  const vega = r['vega'], vl = r['vega-lite'], docx = r['docx'];",
      "  const spec = vl.compile({ data: { values: [{ week: 'w1', n: 3 }] }, mark: 'bar', encoding: { x: { field: 'week' }, y: { field: 'n', type: 'quantitative' } } }).spec;",
      "  const view = new vega.View(vega.parse(spec), { renderer: 'none' });",
      "  const svg = await view.toSVG();",
      "  const bytes = await docx.Packer.toBuffer(new docx.Document({ sections: [{ children: [new docx.Paragraph('pack')] }] }));",
      "  process.stdout.write(JSON.stringify({ svg: svg.slice(0, 4), zip: bytes.subarray(0, 2).toString('latin1'), resvg: typeof r['@resvg/resvg-wasm'].Resvg }));",
      "})();",
    ].join("\n");
    const drawn = JSON.parse(execFileSync(process.execPath, ["-e", script]).toString()) as { svg: string; zip: string; resvg: string };
    expect(drawn).toEqual({ svg: "<svg", zip: "PK", resvg: "function" });
  });

  it("answers GET /api/health from the bundle", async () => {
    const res = await fetch(`${system.appUrl}/api/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok", app: "inclusion-flow", partnership: "LNCIP" });
  });

  it("registers every function the unbundled app registers", async () => {
    const fns = (await (await fetch(`${system.appUrl}/admin/functions`, { headers: { "x-functions-key": "local-master-key" } })).json()) as { name: string }[];
    expect(fns.map((f) => f.name)).toEqual(expect.arrayContaining(["caseIntake", "caseIntakeSweep", "health", "listChanges", "notifications", "referralIntake", "subscriptionUpkeep"]));
  });

  it("turns the demo referral into a case in SharePoint", async () => {
    const body = readFileSync(join(repoRoot, "sandbox", "demo", "referral.json"), "utf8");
    const res = await fetch(`${system.appUrl}/api/forms/referral`, { method: "POST", headers: { "content-type": "application/json", "x-functions-key": "local-function-key" }, body });
    expect(res.status).toBe(202);
    const { caseRef } = (await res.json()) as { caseRef: string };
    const sites = system.graph.area<SitesArea>("sites");
    const siteId = sites.siteIdByPath(demoSite.hostname, demoSite.path);
    const deadline = Date.now() + 20_000;
    // Beside the demo tenant's one case from before the app (an Inclusion Forum case the referral names).
    const cases = () => sites.items(siteId, "Cases").filter((c) => c.fields.Title !== demoForumCase.CaseRef);
    while (cases().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(cases().map((c) => c.fields.Title)).toEqual([caseRef]);
  });
});
