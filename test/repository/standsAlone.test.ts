import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, extname, join, relative, resolve, sep } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The repository stands alone: a clone with nothing beside it builds, tests and runs. Nothing tracked may read or
 * link a folder next to the repository, and every file a test reads from its own directory must be in the clone.
 */
const root = resolve(__dirname, "..", "..");
const skipped = new Set(["node_modules", "dist", ".git", "test-results"]);

/** Tracked files (git ls-files), or every file but the skipped folders when there is no git checkout. */
function trackedFiles(): string[] {
  try {
    const out = execFileSync("git", ["ls-files", "-z"], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    const files = out.split("\0").filter((f) => f && !skipped.has(f.split("/")[0]!));
    if (files.length > 0) return files.filter((f) => existsSync(join(root, f)));
  } catch {
    // not a git checkout (an unpacked archive): walk the tree instead
  }
  const walk = (dir: string): string[] =>
    readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
      const path = dir ? `${dir}/${e.name}` : e.name;
      if (e.isDirectory()) return skipped.has(e.name) ? [] : walk(path);
      return e.isFile() ? [path] : [];
    });
  return walk("");
}

function textOf(file: string): string | undefined {
  const bytes = readFileSync(join(root, file));
  return bytes.includes(0) ? undefined : bytes.toString("utf8");
}

const inside = (path: string) => path === root || path.startsWith(root + sep);
const files = trackedFiles();
const code = files.filter((f) => [".ts", ".mts", ".mjs", ".js", ".cjs"].includes(extname(f)));

/** Where a source file runs from: TypeScript outside test/ runs compiled, from the same path under dist/. */
function runtimeDir(file: string): string {
  const compiled = extname(file) === ".ts" && !file.startsWith("test/");
  return compiled ? join(root, "dist", dirname(file)) : join(root, dirname(file));
}

describe("the repository stands alone", () => {
  it("finds the tracked files", () => {
    expect(files).toContain("package.json");
    expect(files).toContain("test/support/csdl.ts");
  });

  it("no tracked file reads or links the folder beside the repository", () => {
    // Built from parts so that this file does not find itself.
    const needles = [[".."].concat("shared").join("/"), [".."].concat("shared").join("\\")];
    const offenders = files.flatMap((f) => {
      const text = textOf(f);
      if (text === undefined) return [];
      return text.split("\n").flatMap((line, i) => (needles.some((n) => line.includes(n)) ? [`${f}:${i + 1}: ${line.trim()}`] : []));
    });
    expect(offenders).toEqual([]);
  });

  it("every relative import resolves inside the repository", () => {
    const escaping = code.flatMap((f) => {
      const text = textOf(f) ?? "";
      return [...text.matchAll(/(?:\bfrom\s+|\bimport\(\s*|\brequire\(\s*)["'](\.{1,2}\/[^"']*)["']/g)].flatMap((m) => {
        const target = resolve(root, dirname(f), m[1]!);
        return inside(target) ? [] : [`${f}: ${m[1]}`];
      });
    });
    expect(escaping).toEqual([]);
  });

  it("every path built from a file's own directory stays inside the repository, and what tests read is in it", () => {
    const built: { file: string; path: string }[] = [];
    for (const f of code) {
      const text = textOf(f) ?? "";
      for (const m of text.matchAll(/\b(?:join|resolve)\(\s*__dirname\s*((?:,\s*(?:"[^"]*"|'[^']*'))+)\s*\)/g)) {
        const parts = [...m[1]!.matchAll(/"([^"]*)"|'([^']*)'/g)].map((p) => p[1] ?? p[2] ?? "");
        built.push({ file: f, path: resolve(runtimeDir(f), ...parts) });
      }
    }
    // The suite reads its fixtures this way (the Graph schema, the form definition, the settings example, …).
    expect(built.filter((b) => b.file.startsWith("test/")).length).toBeGreaterThan(5);

    const outside = built.filter((b) => !inside(b.path)).map((b) => `${b.file}: ${b.path}`);
    expect(outside).toEqual([]);

    // Tests run from their sources, so what they read must be in a clone (dist/ is what `npm test` builds first).
    const missing = built
      .filter((b) => b.file.startsWith("test/") && !relative(root, b.path).startsWith(`dist${sep}`))
      .filter((b) => !existsSync(b.path))
      .map((b) => `${b.file}: ${relative(root, b.path)}`);
    expect(missing).toEqual([]);
  });

  it("the Graph schema the contract tests check against is vendored, with its licence and source", () => {
    const fixture = join(root, "test", "fixtures", "graph");
    expect(statSync(join(fixture, "v1.0-Prod.csdl.gz")).size).toBeGreaterThan(100_000);
    expect(readFileSync(join(fixture, "LICENSE"), "utf8")).toMatch(/^MIT License\n\nCopyright \(c\) 2018 Microsoft Graph/);
    expect(readFileSync(join(fixture, "README.md"), "utf8")).toContain("https://github.com/microsoftgraph/msgraph-metadata");
  });
});
