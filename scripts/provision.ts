import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { z } from "zod";
import { settingsSchema } from "../src/settings/settings";
import { graphClient } from "../src/m365/graph/graphClient";
import { sharePointSite } from "../src/m365/sharepoint/site";
import { sharePointList } from "../src/m365/sharepoint/list";
import { graphItems } from "../src/m365/sharepoint/items";
import { documentLibrary } from "../src/m365/sharepoint/documentLibrary";
import { siteLists } from "../src/m365/sharepoint/siteLists";
import { listDefinitions } from "../src/domain/lists/lists";
import { provisionSite } from "../src/workflows/provisioning/provisionSite";
import { parseSchoolsCsv } from "../src/workflows/provisioning/schoolsCsv";
import { seedSchools } from "../src/workflows/provisioning/seedSchools";
import { parseProvidersCsv, seedProviders } from "../src/workflows/provisioning/providersCsv";
import { checkAccess } from "../src/workflows/provisioning/accessChecks";
import { checkUsage, runPermissionCheck } from "./permissionCheck";
import { provisionViewsStep } from "./provisionViewsStep";
import { DEFAULT_STAFF_GROUP, runPermissionsStep } from "./provisionPermissionsStep";

/**
/**
 * npm run provision -- --site <host:/sites/path> [--schools schools.csv] [--providers providers.csv] [--dry-run] [--check-write] [--send-test-mail <address>] [--skip-views] [--skip-permissions] [--staff-group <name>]
 * npm run provision -- --check  (proves each permission the app uses instead: scripts/permissionCheck.ts)
 *
 * Creates or updates the partnership's SharePoint lists from the domain's definitions (additive only), gives them
 * their views and their permissions (partnership staff only: scripts/provisionPermissionsStep.ts), upserts the Schools
 * list from a CSV by URN and the Providers list by provider id, and reports what the app's identity may do. Graph
 * settings come from the environment, then local.settings.json (as the Functions host reads them). Exit code 1 when
 * something failed or a permission was refused; warnings alone exit 0.
 */
const usage = `npm run provision -- --site <host:/sites/path> [--schools schools.csv] [--providers providers.csv] [--dry-run] [--check-write] [--send-test-mail <address>] [--skip-views] [--skip-permissions] [--staff-group <name>]\n   or: ${checkUsage}`;

const argsSchema = z.object({
  site: settingsSchema.shape.SHAREPOINT_SITE.optional(),
  schools: z.string().min(1).optional(),
  providers: z.string().min(1).optional(),
  dryRun: z.boolean(),
  checkWrite: z.boolean(),
  sendTestMail: z.email("expected an email address after --send-test-mail").optional(),
  skipViews: z.boolean(),
  skipPermissions: z.boolean(),
  staffGroup: z.string().trim().min(1, "name the staff group after --staff-group").max(255),
});

const connectionSchema = settingsSchema.pick({
  GRAPH_BASE_URL: true,
  AZURE_AUTHORITY_HOST: true,
  AZURE_TENANT_ID: true,
  AZURE_CLIENT_ID: true,
  AZURE_CLIENT_SECRET: true,
  PARTNERSHIP_MAILBOX: true,
  SHAREPOINT_SITE: true,
  PARTNERSHIP_CALENDAR: true,
  REPORTS_LIBRARY: true,
}).extend({
  // SharePoint's REST API (views, formatting) refuses app-only tokens from a client secret: a certificate (PEM
  // with its private key), as @azure/identity's EnvironmentCredential names it.
  AZURE_CLIENT_CERTIFICATE_PATH: z.string().min(1).optional(),
});

function readArgs(argv: string[]) {
  const value = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const known = new Set(["--site", "--schools", "--providers", "--dry-run", "--check-write", "--send-test-mail", "--skip-views", "--skip-permissions", "--staff-group"]);
  const unknown = argv.filter((a, i) => a.startsWith("--") && !known.has(a) && !(i > 0 && ["--site", "--schools", "--providers", "--send-test-mail", "--staff-group"].includes(argv[i - 1] ?? "")));
  if (unknown.length) throw new Error(`Unknown option ${unknown.join(", ")}.\nUsage: ${usage}`);
  const parsed = argsSchema.safeParse({ site: value("--site"), schools: value("--schools"), providers: value("--providers"), dryRun: argv.includes("--dry-run"), checkWrite: argv.includes("--check-write"), sendTestMail: value("--send-test-mail"), skipViews: argv.includes("--skip-views"), skipPermissions: argv.includes("--skip-permissions"), staffGroup: value("--staff-group") ?? DEFAULT_STAFF_GROUP });
  if (!parsed.success) throw new Error(`${parsed.error.issues.map((i) => `--${String(i.path[0])}: ${i.message}`).join("\n")}\nUsage: ${usage}`);
  return parsed.data;
}

function readConnection(site: string | undefined) {
  const file = join(process.cwd(), "local.settings.json");
  const local = existsSync(file) ? ((JSON.parse(readFileSync(file, "utf8")) as { Values?: Record<string, string> }).Values ?? {}) : {};
  const pick = (k: string) => process.env[k] || local[k] || undefined;
  const raw = Object.fromEntries(Object.keys(connectionSchema.shape).map((k) => [k, pick(k)]).filter(([, v]) => v !== undefined));
  if (site) raw.SHAREPOINT_SITE = site;
  const parsed = connectionSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`Provisioning needs these settings (environment or local.settings.json):\n${parsed.error.issues.map((i) => `  - ${String(i.path[0])}: ${i.message}`).join("\n")}`);
  return parsed.data;
}

async function main(): Promise<number> {
  const out = (line = "") => process.stdout.write(`${line}\n`);
  if (process.argv.includes("--check")) return runPermissionCheck(process.argv.slice(2), process.env, out);
  const args = readArgs(process.argv.slice(2));
  const settings = readConnection(args.site);
  let failed = false;

  // Read the CSV first: a bad file stops the run before anything is written.
  let schools: ReturnType<typeof parseSchoolsCsv> | undefined;
  if (args.schools) {
    const path = resolve(args.schools);
    if (!existsSync(path)) throw new Error(`The schools file ${path} does not exist.`);
    schools = parseSchoolsCsv(readFileSync(path, "utf8"));
    if (!schools.ok) {
      out(`${args.schools}: nothing was written, ${schools.problems.length} problem(s):`);
      for (const p of schools.problems) out(`  line ${p.line}: ${p.message}`);
      return 1;
    }
  }

  let providers: ReturnType<typeof parseProvidersCsv> | undefined;
  if (args.providers) {
    const path = resolve(args.providers);
    if (!existsSync(path)) throw new Error(`The providers file ${path} does not exist.`);
    providers = parseProvidersCsv(readFileSync(path, "utf8"));
    if (!providers.ok) {
      out(`${args.providers}: nothing was written, ${providers.problems.length} problem(s):`);
      for (const p of providers.problems) out(`  line ${p.line}: ${p.message}`);
      return 1;
    }
  }

  const views = provisionViewsStep(settings);
  const graph = graphClient(settings, views.credential);
  const site = sharePointSite(graph, settings.SHAREPOINT_SITE);
  out(`Provisioning ${settings.SHAREPOINT_SITE} through ${settings.GRAPH_BASE_URL}${args.dryRun ? " (dry run: nothing is written)" : ""}`);

  let wroteLists = false;
  try {
    const report = await provisionSite(siteLists(site), listDefinitions, { dryRun: args.dryRun });
    wroteLists = !args.dryRun && report.changed.length > 0;
    out();
    out(report.changed.length ? `Lists — ${args.dryRun ? "would change" : "changed"}:` : "Lists — nothing to change: every list and column is in place.");
    for (const c of report.changed) out(`  ${c}`);
    if (report.warnings.length) out("Warnings (left as they are; a person should look):");
    for (const w of report.warnings) out(`  ! ${w}`);
  } catch (e) {
    failed = true;
    out(`Lists — stopped: ${e instanceof Error ? e.message : String(e)}`);
  }

  // The document library the annual summary is saved to (Graph: a list made from the documentLibrary template).
  if (!failed) {
    try {
      const library = documentLibrary(site, settings.REPORTS_LIBRARY);
      out();
      if (args.dryRun) out(`Reports library — ${settings.REPORTS_LIBRARY}: would be created if missing (dry run)`);
      else out(`Reports library — ${settings.REPORTS_LIBRARY}: ${(await library.ensure()) === "created" ? "created" : "already there"}`);
    } catch (e) {
      failed = true;
      out(`Reports library — stopped: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  // Views need the lists; a refusal here does not stop the schools.
  const viewsFailed = !failed && !(await views.run(site, { dryRun: args.dryRun, skip: args.skipViews, out }));
  // Permissions need the lists too: partnership staff only, then checked.
  const permissionsFailed = !failed && !(await runPermissionsStep(settings, site, { dryRun: args.dryRun, skip: args.skipPermissions, staffGroup: args.staffGroup, out }));

  if (schools?.ok && !failed) {
    try {
      const seeded = await seedSchools(graphItems(sharePointList(site, "Schools")), schools.schools, { dryRun: args.dryRun });
      out();
      out(`Schools — ${seeded.added.length} added, ${seeded.updated.length} updated, ${seeded.unchanged} unchanged${args.dryRun ? " (dry run)" : ""}`);
      for (const a of seeded.added) out(`  + ${a}`);
      for (const u of seeded.updated) out(`  ~ ${u}`);
      if (seeded.notInFile.length) out(`  On the site but not in the file (left alone): ${seeded.notInFile.join(", ")}`);
    } catch (e) {
      failed = true;
      out(`Schools — stopped: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  if (providers?.ok && !failed) {
    try {
      const seeded = await seedProviders(graphItems(sharePointList(site, "Providers")), providers.providers, { dryRun: args.dryRun });
      out();
      out(`Providers — ${seeded.added.length} added, ${seeded.updated.length} updated, ${seeded.unchanged} unchanged${args.dryRun ? " (dry run)" : ""}`);
      for (const a of seeded.added) out(`  + ${a}`);
      for (const u of seeded.updated) out(`  ~ ${u}`);
      if (seeded.notInFile.length) out(`  On the site but not in the file (left alone): ${seeded.notInFile.join(", ")}`);
    } catch (e) {
      failed = true;
      out(`Providers — stopped: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  out();
  out("Access:");
  const checks = await checkAccess(graph, site, { mailbox: settings.PARTNERSHIP_MAILBOX, wroteLists, checkWrite: args.checkWrite && !args.dryRun, sendTestMailTo: args.sendTestMail, now: new Date() });
  for (const c of checks) out(`  ${c.result === "verified" ? "✓" : c.result === "refused" ? "✗" : "?"} ${c.what}: ${c.result} — ${c.detail}`);
  if (checks.some((c) => c.result === "refused")) failed = true;
  return failed || viewsFailed || permissionsFailed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
