import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import Ajv from "ajv-draft-04";
import addFormats from "ajv-formats";
import { zipSync } from "fflate";
import { z } from "zod";

/**
 * The Teams app package (README, "Installing the Teams app in the team"): `appPackage/manifest.json` filled from the
 * settings, checked against Microsoft's JSON schema for its manifest version (shipped in Microsoft's npm package
 * `@microsoft/app-manifest`), zipped with its two icons at the root of the zip.
 */

const guid = (what: string) => z.string({ error: `expected ${what} (a GUID)` }).trim().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, `expected ${what} (a GUID such as 6f1c2b0e-5a4d-4c55-9a57-000000000003)`);

/** What the package is filled from: the app's own settings, plus the Teams app's id. */
export const packageSettingsSchema = z.object({
  /** The Teams app's id: a GUID made once (`uuidgen`) and kept for every later version of the app. */
  TEAMS_APP_ID: guid("the Teams app's id, made once and kept"),
  /** The Azure Bot's app id; unset: AZURE_CLIENT_ID (in Azure the bot is the app's managed identity). */
  BOT_CLIENT_ID: guid("the Azure Bot's app id").optional(),
  AZURE_CLIENT_ID: guid("the app's client id"),
  /** The function app's host name; unset: the host of NOTIFICATION_URL (https://<host>/api/notifications). */
  FUNCTION_APP_HOSTNAME: z.string().trim().regex(/^[a-z0-9.-]+$/i, "expected the function app's host name, e.g. func-lncip.azurewebsites.net").optional(),
  NOTIFICATION_URL: z.url("expected the public URL of the app's /api/notifications").optional(),
  PARTNERSHIP_NAME: z.string({ error: "expected the partnership's name" }).trim().min(1, "expected the partnership's name"),
  PARTNERSHIP_CODE: z.string({ error: "expected the partnership's short code, e.g. LNCIP" }).trim().regex(/^[A-Z]{2,10}$/, "expected the partnership's short code: 2 to 10 capital letters"),
  /** Overrides: the names Teams shows, when the derived ones are not wanted. */
  TEAMS_APP_SHORT_NAME: z.string().trim().min(1).optional(),
  TEAMS_DEVELOPER_NAME: z.string().trim().min(1).optional(),
});
export type PackageSettings = z.infer<typeof packageSettingsSchema>;

/** A setting that cannot fit the manifest: what it is, how long it may be, what to do. */
export class PackageSettingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PackageSettingError";
  }
}

const DEVELOPER_NAME_MAX = 32;
const SHORT_NAME_MAX = 30;
const FULL_NAME_MAX = 100;
const SMALL_WORDS = new Set(["of", "and", "the", "for", "&", "in", "at", "on"]);

/**
 * `developer.name` (at most 32 characters): the partnership's name when it fits, else its first words that fit
 * followed by its code, else the code alone. TEAMS_DEVELOPER_NAME overrides it, and must fit.
 *
 * @example
 * developerName({ PARTNERSHIP_NAME: "Lakeside North Community Inclusion Partnership", PARTNERSHIP_CODE: "LNCIP" })
 * // "Lakeside North Community (LNCIP)"   (47 characters → 32)
 */
export function developerName(s: Pick<PackageSettings, "PARTNERSHIP_NAME" | "PARTNERSHIP_CODE" | "TEAMS_DEVELOPER_NAME">): string {
  if (s.TEAMS_DEVELOPER_NAME !== undefined) {
    if (s.TEAMS_DEVELOPER_NAME.length > DEVELOPER_NAME_MAX) throw new PackageSettingError(`TEAMS_DEVELOPER_NAME is ${s.TEAMS_DEVELOPER_NAME.length} characters; Teams allows at most ${DEVELOPER_NAME_MAX} for the developer's name ("${s.TEAMS_DEVELOPER_NAME}"). Shorten it, or leave it unset to derive one from PARTNERSHIP_NAME.`);
    return s.TEAMS_DEVELOPER_NAME;
  }
  const name = s.PARTNERSHIP_NAME.replace(/\s+/g, " ");
  if (name.length <= DEVELOPER_NAME_MAX) return name;
  const suffix = ` (${s.PARTNERSHIP_CODE})`;
  const words = name.split(" ");
  let prefix: string[] = [];
  for (const w of words) {
    if ([...prefix, w].join(" ").length + suffix.length > DEVELOPER_NAME_MAX) break;
    prefix.push(w);
  }
  while (prefix.length && SMALL_WORDS.has((prefix.at(-1) as string).toLowerCase())) prefix = prefix.slice(0, -1);
  return prefix.length ? `${prefix.join(" ")}${suffix}` : s.PARTNERSHIP_CODE;
}

/**
 * `name.short` (at most 30 characters): "Inclusion Flow", or TEAMS_APP_SHORT_NAME, which must fit.
 *
 * @example
 * shortName({}) // "Inclusion Flow"
 * shortName({ TEAMS_APP_SHORT_NAME: "Lakeside North Community Inclusion Flow" }) // throws: TEAMS_APP_SHORT_NAME is 39 characters; Teams allows at most 30 …
 */
export function shortName(s: Pick<PackageSettings, "TEAMS_APP_SHORT_NAME">): string {
  const name = s.TEAMS_APP_SHORT_NAME ?? "Inclusion Flow";
  if (name.length > SHORT_NAME_MAX) throw new PackageSettingError(`TEAMS_APP_SHORT_NAME is ${name.length} characters; Teams allows at most ${SHORT_NAME_MAX} for the app's short name ("${name}"). Shorten it, or leave it unset for "Inclusion Flow".`);
  return name;
}

/**
 * `name.full` (at most 100 characters): the app's name for this partnership, by its full name when that fits.
 *
 * @example
 * fullName("Inclusion Flow", { PARTNERSHIP_NAME: "Lakeside North Community Inclusion Partnership", … })
 * // "Inclusion Flow for the Lakeside North Community Inclusion Partnership"
 */
export function fullName(short: string, s: Pick<PackageSettings, "PARTNERSHIP_NAME" | "PARTNERSHIP_CODE" | "TEAMS_DEVELOPER_NAME">): string {
  const full = `${short} for the ${s.PARTNERSHIP_NAME.replace(/\s+/g, " ")}`;
  return full.length <= FULL_NAME_MAX ? full : `${short} for ${developerName(s)}`;
}

/**
 * The host the manifest names (the bot's domain, the developer's links): FUNCTION_APP_HOSTNAME, else
 * NOTIFICATION_URL's host.
 *
 * @example
 * appHost({ NOTIFICATION_URL: "https://func-lncip.azurewebsites.net/api/notifications" }) // "func-lncip.azurewebsites.net"
 */
export function appHost(s: Pick<PackageSettings, "FUNCTION_APP_HOSTNAME" | "NOTIFICATION_URL">): string {
  const host = s.FUNCTION_APP_HOSTNAME ?? (s.NOTIFICATION_URL ? new URL(s.NOTIFICATION_URL).hostname : undefined);
  if (!host) throw new PackageSettingError("FUNCTION_APP_HOSTNAME (the function app's host name, the functionAppHostName output of infra/main.bicep) is not set, and neither is NOTIFICATION_URL to take it from.");
  return host;
}

/**
 * The manifest template with its placeholders filled. Every `{{NAME}}` must be one the settings fill.
 *
 * @example
 * const manifest = fillManifest(template, settings);
 * manifest.developer.name // "Lakeside North Community (LNCIP)"
 */
export function fillManifest(template: Record<string, unknown>, s: PackageSettings, version?: string): Record<string, unknown> {
  const short = shortName(s);
  const values: Record<string, string> = {
    TEAMS_APP_ID: s.TEAMS_APP_ID.toLowerCase(),
    BOT_ID: (s.BOT_CLIENT_ID ?? s.AZURE_CLIENT_ID).toLowerCase(),
    FUNCTION_APP_HOSTNAME: appHost(s),
    PARTNERSHIP_NAME: developerName(s),
  };
  const fill = (v: unknown): unknown => {
    if (typeof v === "string") {
      return v.replace(/\{\{([A-Z_]+)\}\}/g, (_, key: string) => {
        const value = values[key];
        if (value === undefined) throw new PackageSettingError(`appPackage/manifest.json has a placeholder {{${key}}} that no setting fills.`);
        return value;
      });
    }
    if (Array.isArray(v)) return v.map(fill);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x)]));
    return v;
  };
  const filled = fill(template) as Record<string, unknown> & { name?: Record<string, unknown> };
  return { ...filled, ...(version ? { version } : {}), name: { ...(filled.name ?? {}), short, full: fullName(short, s) } };
}

/** The JSON schema Microsoft publishes for a manifest version, from `@microsoft/app-manifest`. */
export function manifestSchemaPath(manifestVersion: string): string {
  const root = dirname(require.resolve("@microsoft/app-manifest/package.json"));
  return join(root, "build", "json-schemas", "teams", `v${manifestVersion}`, "MicrosoftTeams.schema.json");
}

/**
 * Checks a manifest against Microsoft's schema for its `manifestVersion` (draft-04, with the uri, email and regex
 * formats, as Microsoft's own validator in `@microsoft/app-manifest` does), and that `$schema` names that version.
 * Returns the problems, none when it is valid.
 *
 * @example
 * validateManifest({ ...manifest, developer: { ...manifest.developer, name: "x".repeat(33) } })
 * // ["/developer/name must NOT have more than 32 characters"]
 */
export function validateManifest(manifest: Record<string, unknown>): string[] {
  const version = manifest.manifestVersion;
  if (typeof version !== "string") return ["manifestVersion is missing"];
  let schema: Record<string, unknown>;
  try {
    // The published schemas carry \a and \v escapes that JSON does not allow (Microsoft's loader rewrites them too).
    schema = JSON.parse(readFileSync(manifestSchemaPath(version), "utf8").replace(/\\a/g, "\\u0007").replace(/\\v/g, "\\u000b")) as Record<string, unknown>;
  } catch {
    return [`@microsoft/app-manifest has no schema for manifest version ${version}`];
  }
  const problems: string[] = [];
  const expected = `https://developer.microsoft.com/json-schemas/teams/v${version}/MicrosoftTeams.schema.json`;
  if (manifest.$schema !== expected) problems.push(`$schema is ${JSON.stringify(manifest.$schema)}, expected ${expected}`);
  const ajv = new Ajv({ allErrors: true, strictTypes: false, strict: false });
  addFormats(ajv, ["uri", "email", "regex"]);
  const validate = ajv.compile(schema);
  if (!validate(manifest)) for (const e of validate.errors ?? []) problems.push(`${e.instancePath || "(manifest)"} ${e.message ?? "is invalid"}${e.params && "additionalProperty" in e.params ? ` (${String(e.params.additionalProperty)})` : ""}`);
  return problems;
}

/**
 * A PNG's width and height (from its IHDR chunk), to hold the icons to Teams' sizes (192×192 colour, 32×32 outline).
 *
 * @example
 * pngSize(readFileSync("appPackage/color.png")) // { width: 192, height: 192 }
 */
export function pngSize(png: Uint8Array): { width: number; height: number } | undefined {
  const b = Buffer.from(png);
  if (b.length < 24 || b.toString("latin1", 1, 4) !== "PNG" || b.toString("latin1", 12, 16) !== "IHDR") return undefined;
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

/**
 * The zip Teams takes: the manifest and its icons at the root, deflated, with fixed times (the same settings give
 * the same bytes).
 *
 * @example
 * const zip = zipPackage(manifest, { "color.png": color, "outline.png": outline });
 */
export function zipPackage(manifest: Record<string, unknown>, icons: Record<string, Uint8Array>): Uint8Array {
  const mtime = new Date("2026-01-01T00:00:00Z");
  const files: Record<string, [Uint8Array, { mtime: Date }]> = { "manifest.json": [Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`), { mtime }] };
  for (const [name, bytes] of Object.entries(icons)) files[name] = [bytes, { mtime }];
  return zipSync(files, { level: 9 });
}
