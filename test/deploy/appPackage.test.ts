import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { inflateSync } from "node:zlib";

const dir = join(__dirname, "..", "..", "appPackage");

/** Width, height, colour type and the RGBA pixels of a PNG written with filter 0 on every row. */
function readPng(file: string) {
  const buf = readFileSync(join(dir, file));
  expect(buf.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  let at = 8;
  let width = 0, height = 0, colourType = -1;
  const idat: Buffer[] = [];
  while (at < buf.length) {
    const len = buf.readUInt32BE(at);
    const type = buf.toString("ascii", at + 4, at + 8);
    const data = buf.subarray(at + 8, at + 8 + len);
    if (type === "IHDR") [width, height, colourType] = [data.readUInt32BE(0), data.readUInt32BE(4), data[9]!];
    if (type === "IDAT") idat.push(data);
    at += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const pixels: number[][] = [];
  for (let y = 0; y < height; y++) {
    const row = y * (width * 4 + 1);
    expect(raw[row]).toBe(0);
    for (let x = 0; x < width; x++) pixels.push([...raw.subarray(row + 1 + x * 4, row + 5 + x * 4)]);
  }
  return { width, height, colourType, pixels };
}

describe("the Teams app package", () => {
  const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as Record<string, any>;

  it("is a v1.22 manifest with a bot installed in a team, its host in validDomains, and no real ids in the repo", () => {
    expect(manifest.$schema).toBe("https://developer.microsoft.com/json-schemas/teams/v1.22/MicrosoftTeams.schema.json");
    expect(manifest.manifestVersion).toBe("1.22");
    expect(manifest.bots).toHaveLength(1);
    expect(manifest.bots[0].scopes).toEqual(["team"]);
    expect(manifest.bots[0].botId).toBe("{{BOT_ID}}");
    expect(manifest.id).toBe("{{TEAMS_APP_ID}}");
    expect(manifest.validDomains).toEqual(["{{FUNCTION_APP_HOSTNAME}}"]);
    expect(manifest.icons).toEqual({ color: "color.png", outline: "outline.png" });
    expect(manifest.name.short.length).toBeLessThanOrEqual(30);
    expect(manifest.description.short.length).toBeLessThanOrEqual(80);
    expect(manifest.description.full.length).toBeLessThanOrEqual(4000);
  });

  it("has a 192×192 colour icon and a 32×32 outline icon, white on transparent", () => {
    const color = readPng("color.png");
    expect([color.width, color.height]).toEqual([192, 192]);
    const outline = readPng("outline.png");
    expect([outline.width, outline.height, outline.colourType]).toEqual([32, 32, 6]);
    const kinds = new Set(outline.pixels.map((p) => (p[3] === 0 ? "transparent" : p.join(","))));
    expect([...kinds].sort()).toEqual(["255,255,255,255", "transparent"]);
  });
});
