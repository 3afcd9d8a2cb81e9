import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { unzipSync } from "fflate";
import { AppManifestUtils } from "@microsoft/app-manifest";
import { developerName, fullName, shortName, validateManifest } from "../../scripts/teamsPackage";

/**
 * `npm run package:teams` as an administrator runs it (the compiled script in its own process) with the example
 * settings, and the zip it writes checked with Microsoft's own validator from `@microsoft/app-manifest` (not the
 * script's), so a manifest the script wrongly passes is still caught.
 */
const root = join(__dirname, "..", "..");
const cli = join(root, "dist", "scripts", "package-teams.js");
const example = (JSON.parse(readFileSync(join(root, "local.settings.example.json"), "utf8")) as { Values: Record<string, string> }).Values;
let work: string;

function packageTeams(values: Record<string, string>, ...args: string[]): Promise<{ code: number; out: string; zip: string }> {
  const zip = join(work, `teams-${Math.random().toString(36).slice(2)}.zip`);
  writeFileSync(join(work, "local.settings.json"), JSON.stringify({ IsEncrypted: false, Values: values }));
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, "--out", zip, ...args], { cwd: work, env: { PATH: process.env.PATH ?? "" } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, out: `${stdout}${stderr}`, zip }),
    );
  });
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "teams-package-"));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("npm run package:teams", () => {
  it("with the example settings, writes a zip of the manifest and its two icons that passes Microsoft's schema", async () => {
    const { code, out, zip } = await packageTeams(example);
    expect(out).toContain("valid against Microsoft's schema");
    expect(code).toBe(0);
    const files = unzipSync(readFileSync(zip));
    expect(Object.keys(files).sort()).toEqual(["color.png", "manifest.json", "outline.png"]);
    expect(Buffer.from(files["color.png"]!)).toEqual(readFileSync(join(root, "appPackage", "color.png")));
    const manifest = JSON.parse(Buffer.from(files["manifest.json"]!).toString("utf8")) as Record<string, any>;
    expect(await AppManifestUtils.validateAgainstSchema(manifest as never)).toEqual([]);
    expect(JSON.stringify(manifest)).not.toContain("{{");
    expect(manifest.id).toBe(example.TEAMS_APP_ID);
    expect(manifest.bots[0].botId).toBe(example.AZURE_CLIENT_ID); // BOT_CLIENT_ID is empty locally: the app's identity
    expect(manifest.validDomains).toEqual(["127.0.0.1"]);
    // The demo partnership's name is longer than Teams allows for the developer's name.
    expect(example.PARTNERSHIP_NAME!.length).toBeGreaterThan(32);
    expect(manifest.developer.name).toBe("Lakeside North Community (LNCIP)");
    expect(manifest.name).toEqual({ short: "Inclusion Flow", full: `Inclusion Flow for the ${example.PARTNERSHIP_NAME}` });
  });

  it("fills a tenant's ids and host, and the version asked for", async () => {
    const { code, zip } = await packageTeams(
      { ...example, BOT_CLIENT_ID: "11111111-2222-4333-8444-555555555555", NOTIFICATION_URL: "https://func-lncip-x1.azurewebsites.net/api/notifications", TEAMS_DEVELOPER_NAME: "Lakeside North (LNCIP)" },
      "--app-version",
      "1.0.3",
    );
    expect(code).toBe(0);
    const manifest = JSON.parse(Buffer.from(unzipSync(readFileSync(zip))["manifest.json"]!).toString("utf8")) as Record<string, any>;
    expect(await AppManifestUtils.validateAgainstSchema(manifest as never)).toEqual([]);
    expect(manifest).toMatchObject({ version: "1.0.3", bots: [{ botId: "11111111-2222-4333-8444-555555555555" }], validDomains: ["func-lncip-x1.azurewebsites.net"], developer: { name: "Lakeside North (LNCIP)", websiteUrl: "https://func-lncip-x1.azurewebsites.net/api/health" } });
  });

  it("fails with a clear message, writing nothing, when a setting cannot fit or is missing", async () => {
    const tooLong = await packageTeams({ ...example, TEAMS_DEVELOPER_NAME: "Lakeside North Community Inclusion Partnership" });
    expect(tooLong.code).toBe(1);
    expect(tooLong.out).toContain("TEAMS_DEVELOPER_NAME is 46 characters; Teams allows at most 32 for the developer's name");
    expect(existsSync(tooLong.zip)).toBe(false);

    const shortTooLong = await packageTeams({ ...example, TEAMS_APP_SHORT_NAME: "Lakeside North Inclusion Flow App" });
    expect(shortTooLong.out).toContain("TEAMS_APP_SHORT_NAME is 33 characters; Teams allows at most 30");
    expect(shortTooLong.code).toBe(1);

    const { TEAMS_APP_ID: _id, ...withoutId } = example;
    const missing = await packageTeams({ ...withoutId, TEAMS_APP_ID: "not-a-guid" });
    expect(missing.code).toBe(1);
    expect(missing.out).toContain("TEAMS_APP_ID: expected the Teams app's id, made once and kept (a GUID");
    expect(existsSync(missing.zip)).toBe(false);

    const badVersion = await packageTeams(example, "--app-version", "2");
    expect(badVersion.out).toContain("--app-version: expected a version such as 1.0.1");
    expect(badVersion.code).toBe(1);
  });
});

describe("the names Teams shows", () => {
  const lncip = { PARTNERSHIP_NAME: "Lakeside North Community Inclusion Partnership", PARTNERSHIP_CODE: "LNCIP" };
  it("keeps a name that fits, shortens one that does not at a word with the code, never past 32 characters", () => {
    expect(developerName({ PARTNERSHIP_NAME: "Oakfield Inclusion Partnership", PARTNERSHIP_CODE: "OIP" })).toBe("Oakfield Inclusion Partnership");
    expect(developerName(lncip)).toBe("Lakeside North Community (LNCIP)");
    expect(developerName({ PARTNERSHIP_NAME: "North and South of the River Secondary Schools Partnership", PARTNERSHIP_CODE: "NSRSP" })).toBe("North and South (NSRSP)");
    expect(developerName({ PARTNERSHIP_NAME: "Supercalifragilisticexpialidociousness Partnership", PARTNERSHIP_CODE: "SCP" })).toBe("SCP");
    for (const name of ["A".repeat(33), "Word ".repeat(20), lncip.PARTNERSHIP_NAME]) expect(developerName({ PARTNERSHIP_NAME: name, PARTNERSHIP_CODE: "ABCDEFGHIJ" }).length).toBeLessThanOrEqual(32);
    expect(shortName({})).toBe("Inclusion Flow");
    expect(fullName("Inclusion Flow", { PARTNERSHIP_NAME: "P".repeat(90), PARTNERSHIP_CODE: "PP" })).toBe("Inclusion Flow for PP");
  });

  it("the schema check refuses what Teams refuses: a long developer name, an unknown property, a wrong $schema", () => {
    const manifest = JSON.parse(readFileSync(join(root, "appPackage", "manifest.json"), "utf8")) as Record<string, any>;
    const good = { ...manifest, id: "6f1c2b0e-5a4d-4c55-9a57-000000000003", bots: [{ ...manifest.bots[0], botId: "3b9d8f5e-7c21-4e0a-8f3b-000000000002" }], developer: { ...manifest.developer, name: "LNCIP", websiteUrl: "https://x.example/api/health", privacyUrl: "https://x.example/api/health", termsOfUseUrl: "https://x.example/api/health" }, validDomains: ["x.example"] };
    expect(validateManifest(good)).toEqual([]);
    expect(validateManifest({ ...good, developer: { ...good.developer, name: "x".repeat(33) } })).toEqual(["/developer/name must NOT have more than 32 characters"]);
    expect(validateManifest({ ...good, colour: "blue" })).toEqual(["(manifest) must NOT have additional properties (colour)"]);
    expect(validateManifest({ ...good, $schema: "https://developer.microsoft.com/json-schemas/teams/v1.17/MicrosoftTeams.schema.json" })[0]).toContain("expected https://developer.microsoft.com/json-schemas/teams/v1.22/MicrosoftTeams.schema.json");
    expect(validateManifest({ ...good, manifestVersion: "0.9" })).toEqual(["@microsoft/app-manifest has no schema for manifest version 0.9"]);
  });
});
