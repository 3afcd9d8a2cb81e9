import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * Every relative link in the README and docs/ points to a file in the repository, and a `#heading` to a heading
 * that file has (GitHub's anchors), so a doc the README names always exists.
 */
const root = resolve(__dirname, "..", "..");
const docs = ["README.md", ...readdirSync(join(root, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];

/** The text outside fenced code blocks and inline code, where a Markdown link is a link. */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, "").replace(/`[^`\n]*`/g, "``");
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  const text = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, "");
  for (const m of text.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const plain = m[1]!.replace(/\[([^\]]*)\]\([^)]*\)/g, "$1").replace(/[`*]/g, "");
    const base = plain
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

interface Link {
  from: string;
  target: string;
}

function linksOf(file: string): Link[] {
  const text = prose(readFileSync(join(root, file), "utf8"));
  return [...text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)]
    .map((m) => m[1]!)
    .filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t)) // http:, https:, mailto: …
    .map((target) => ({ from: file, target }));
}

const links = docs.flatMap(linksOf);

describe("links in the README and docs/", () => {
  it("finds the docs the README indexes", () => {
    expect(docs).toEqual(expect.arrayContaining(["README.md", "docs/domain.md", "docs/architecture.md", "docs/forms-flow.md"]));
    expect(links.filter((l) => l.from === "README.md").length).toBeGreaterThan(10);
  });

  it("every relative link points to a file inside the repository", () => {
    const broken = links.flatMap(({ from, target }) => {
      const [path] = target.split("#");
      if (!path) return [];
      const abs = resolve(root, dirname(from), decodeURIComponent(path));
      if (!(abs === root || abs.startsWith(root + sep))) return [`${from}: ${target} leaves the repository`];
      return existsSync(abs) ? [] : [`${from}: ${target} does not exist`];
    });
    expect(broken).toEqual([]);
  });

  it("every heading anchor names a heading of its file", () => {
    const broken = links.flatMap(({ from, target }) => {
      const hash = target.indexOf("#");
      if (hash < 0) return [];
      const path = target.slice(0, hash);
      const anchor = decodeURIComponent(target.slice(hash + 1));
      const file = path ? resolve(root, dirname(from), decodeURIComponent(path)) : join(root, from);
      if (!file.endsWith(".md") || !existsSync(file) || statSync(file).isDirectory()) return [];
      return anchorsOf(readFileSync(file, "utf8")).has(anchor) ? [] : [`${from}: ${target} (no such heading in ${relative(root, file)})`];
    });
    expect(broken).toEqual([]);
  });

  it("makes GitHub's anchors", () => {
    const anchors = anchorsOf("# Two commands\n## What `npm start` brings up (all on 127.0.0.1)\n### 4. Microsoft Graph: Sites.Selected\n## Tests\n## Tests\n");
    expect([...anchors]).toEqual(["two-commands", "what-npm-start-brings-up-all-on-127001", "4-microsoft-graph-sitesselected", "tests", "tests-1"]);
  });

  it("the README stays short enough to read in ten minutes", () => {
    expect(statSync(join(root, "README.md")).size).toBeLessThan(12 * 1024);
  });
});
