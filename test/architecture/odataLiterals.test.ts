import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { odataString } from "../../src/m365/odata";

/**
 * Every OData filter or key built from a value goes through the one `odataString` (src/m365/odata.ts): a literal
 * written by hand (`eq '${value}'`) would let a value with a quote end the literal and change the query.
 */
const root = join(__dirname, "..", "..");
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : name.endsWith(".ts") ? [path] : [];
  });

describe("OData literals", () => {
  it("are never built by hand from a value in production code", () => {
    const handBuilt = /(?:(?<!-)\b(?:eq|ne|gt|ge|lt|le)\s+'\$\{|startswith\([^)]*'\$\{|GetByTitle\('\$\{|\(\s*'\$\{)/i;
    const offenders = ["src", "functions", "scripts"].flatMap((top) => files(join(root, top))).flatMap((file) =>
      readFileSync(file, "utf8")
        .split("\n")
        .map((line, i) => [line, i] as const)
        .filter(([line]) => handBuilt.test(line))
        .map(([line, i]) => `${relative(root, file)}:${i + 1}: ${line.trim()}`),
    );
    expect(offenders).toEqual([]);
  });

  it("double a value's quotes, so it cannot end the literal", () => {
    expect(odataString("O'Neil' or fields/Status ne '")).toBe("'O''Neil'' or fields/Status ne '''");
  });
});
