import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { appHost, developerName, fillManifest, packageSettingsSchema, pngSize, validateManifest, zipPackage } from "./teamsPackage";

/**
 * npm run package:teams [-- --out <file.zip>] [--app-version <x.y.z>]
 *
 * Fills appPackage/manifest.json from the settings (environment first, then local.settings.json in the current
 * directory, as the provisioning scripts read them; never the example's sandbox values), checks it against Microsoft's schema for its manifest
 * version and the icons against Teams' sizes, and writes the zip to upload in the Teams admin center. Nothing is
 * written when something is wrong; exit code 1 then, with what to change.
 */
const usage = "npm run package:teams [-- --out <file.zip>] [--app-version <x.y.z>]";
const root = [join(__dirname, ".."), join(__dirname, "..", "..")].find((p) => existsSync(join(p, "appPackage", "manifest.json"))) ?? process.cwd();

function readSettings(): Record<string, string> {
  const read = (file: string) => (existsSync(file) ? ((JSON.parse(readFileSync(file, "utf8")) as { Values?: Record<string, string> }).Values ?? {}) : {});
  const local = read(join(process.cwd(), "local.settings.json"));
  const out: Record<string, string> = {};
  for (const key of Object.keys(packageSettingsSchema.shape)) {
    const v = [process.env[key], local[key]].find((x) => x !== undefined && x.trim() !== "");
    if (v !== undefined) out[key] = v;
  }
  return out;
}

function main(): number {
  const argv = process.argv.slice(2);
  const value = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const unknown = argv.filter((a, i) => a.startsWith("--") && !["--out", "--app-version"].includes(a) && !["--out", "--app-version"].includes(argv[i - 1] ?? ""));
  if (unknown.length) throw new Error(`Unknown option ${unknown.join(", ")}.\nUsage: ${usage}`);
  const version = value("--app-version");
  if (version !== undefined && !/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`--app-version: expected a version such as 1.0.1 (raise it for every upload that updates the app), not "${version}".`);
  const out = resolve(value("--out") ?? join(root, "dist", "teams", "inclusion-flow-teams.zip"));

  const parsed = packageSettingsSchema.safeParse(readSettings());
  if (!parsed.success) throw new Error(`The Teams app package needs these settings (environment or local.settings.json):\n${parsed.error.issues.map((i) => `  - ${String(i.path[0])}: ${i.message}`).join("\n")}`);
  const settings = parsed.data;

  const dir = join(root, "appPackage");
  const template = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as Record<string, unknown>;
  const manifest = fillManifest(template, settings, version);
  const problems = validateManifest(manifest);
  const icons = template.icons as { color: string; outline: string };
  const files: Record<string, Uint8Array> = {};
  for (const [kind, size] of [["color", 192], ["outline", 32]] as const) {
    const name = icons[kind];
    const bytes = readFileSync(join(dir, name));
    const got = pngSize(bytes);
    if (!got || got.width !== size || got.height !== size) problems.push(`icons.${kind}: ${name} must be a ${size}×${size} PNG${got ? `, not ${got.width}×${got.height}` : ""}`);
    files[name] = bytes;
  }
  if (problems.length) throw new Error(`appPackage/manifest.json, filled from the settings, does not pass Microsoft's schema for manifest version ${String(manifest.manifestVersion)}; nothing was written:\n${problems.map((p) => `  - ${p}`).join("\n")}`);

  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, zipPackage(manifest, files));
  const say = (line = "") => process.stdout.write(`${line}\n`);
  say(`Wrote ${relative(process.cwd(), out) || out}: manifest ${String(manifest.manifestVersion)} (valid against Microsoft's schema), ${Object.keys(files).join(", ")}.`);
  say(`  app id ${settings.TEAMS_APP_ID}, version ${String(manifest.version)}; bot ${String((manifest.bots as { botId: string }[])[0]?.botId)}${settings.BOT_CLIENT_ID ? "" : " (AZURE_CLIENT_ID: BOT_CLIENT_ID is not set)"}; host ${appHost(settings)}`);
  const developer = developerName(settings);
  say(`  shown as "${(manifest.name as { short: string }).short}" by "${developer}"${developer !== settings.PARTNERSHIP_NAME ? ` (PARTNERSHIP_NAME is ${settings.PARTNERSHIP_NAME.length} characters; Teams allows 32: set TEAMS_DEVELOPER_NAME to choose another)` : ""}`);
  say("Upload it in the Teams admin center: Teams apps › Manage apps › Actions › Upload new app (README, step 9).");
  return 0;
}

try {
  process.exit(main());
} catch (e) {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
}
