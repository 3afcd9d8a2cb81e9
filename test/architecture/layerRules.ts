import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import ts from "typescript";

/**
 * The layers of the code and who may import whom: the rule the architecture rests on, checked on every file's
 * imports as the TypeScript compiler parses them (imports, re-exports, `import()` and `require()`, type-only
 * imports too — a type from a layer above is still a dependency on it).
 *
 *   functions/        → src/app, src/workflows, src/domain          (never an adapter: src/m365, src/teams)
 *   src/app           → src/workflows, src/teams, src/settings, src/m365, src/domain, forms/
 *   src/workflows     → src/teams, src/settings, src/m365, src/reports, src/domain
 *   src/reports       → src/domain                                   (renderers: documents, emails, charts, from models)
 *   src/teams         → src/m365, src/domain, cards/
 *   src/settings      → src/domain
 *   src/m365          → src/domain
 *   src/domain        → nothing but itself and pure libraries (zod, date-fns, @date-fns/tz)
 *   scripts/          → src/app, src/workflows, src/teams, src/settings, src/m365, src/reports, src/domain
 *   production code (functions/, src/, scripts/) never imports sandbox/, test/ or bench/.
 */
export type Layer = "functions" | "app" | "workflows" | "teams" | "settings" | "m365" | "reports" | "domain" | "scripts" | "sandbox" | "test" | "bench" | "cards" | "forms" | "other";

export const allowedImports: Partial<Record<Layer, readonly Layer[]>> = {
  functions: ["functions", "app", "workflows", "domain"],
  app: ["app", "workflows", "teams", "settings", "m365", "domain", "forms"],
  workflows: ["workflows", "teams", "settings", "m365", "reports", "domain"],
  teams: ["teams", "m365", "domain", "cards"],
  settings: ["settings", "domain"],
  m365: ["m365", "domain"],
  reports: ["reports", "domain"],
  domain: ["domain"],
  scripts: ["scripts", "app", "workflows", "teams", "settings", "m365", "reports", "domain"],
};

/** The only packages the domain may use: pure functions, no I/O, no clock of their own. */
export const pureLibraries: readonly string[] = ["zod", "date-fns", "@date-fns/tz"];

export function layerOf(repoPath: string): Layer {
  const p = repoPath.split(sep).join("/");
  const top = p.split("/")[0] ?? "";
  if (top === "src") {
    const second = p.split("/")[1] ?? "";
    return (["app", "workflows", "teams", "settings", "m365", "reports", "domain"] as const).find((l) => l === second) ?? "other";
  }
  return (["functions", "scripts", "sandbox", "test", "bench", "cards", "forms"] as const).find((l) => l === top) ?? "other";
}

/** Every module specifier a source file names: static imports and re-exports, `import()` and `require()`. */
export function importsOf(fileName: string, text: string): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push(node.moduleSpecifier.text);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
      found.push(node.moduleReference.expression.text);
    } else if (ts.isCallExpression(node) && node.arguments.length === 1) {
      const [arg] = node.arguments;
      const isImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === "require";
      if ((isImport || isRequire) && arg && ts.isStringLiteralLike(arg)) found.push(arg.text);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push(node.argument.literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The package a bare specifier names: `@scope/name` or `name` (a `node:` builtin keeps its prefix). */
export function packageOf(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? specifier);
}

export interface Violation {
  file: string;
  imports: string;
  rule: string;
}

/**
 * What is wrong with one file's imports (an empty list when it keeps the rule).
 *
 * @example
 * violationsOf("src/m365/queues/replayQueue.ts", 'import type { ReplayQueue } from "../../workflows/operations/replayPoison";')
 * // [{ file: "src/m365/queues/replayQueue.ts", imports: "src/workflows/operations/replayPoison", rule: "src/m365 may import only src/m365, src/domain" }]
 */
export function violationsOf(file: string, text: string): Violation[] {
  const from = layerOf(file);
  const out: Violation[] = [];
  const production = from !== "sandbox" && from !== "test" && from !== "bench" && from !== "other";
  for (const specifier of importsOf(file, text)) {
    if (specifier.startsWith(".")) {
      const target = relative(".", join(dirname(file), specifier)).split(sep).join("/");
      const to = layerOf(target);
      if (production && (to === "sandbox" || to === "test" || to === "bench")) {
        out.push({ file, imports: target, rule: `production code never imports ${to}/` });
        continue;
      }
      const allowed = allowedImports[from];
      if (allowed && !allowed.includes(to)) out.push({ file, imports: target, rule: `${label(from)} may import only ${allowed.map(label).join(", ")}` });
    } else if (from === "domain") {
      const pkg = packageOf(specifier);
      if (!pureLibraries.includes(pkg)) out.push({ file, imports: specifier, rule: `src/domain may use only pure libraries (${pureLibraries.join(", ")})` });
    }
  }
  return out;
}

const label = (l: Layer) => (["app", "workflows", "teams", "settings", "m365", "domain"].includes(l) ? `src/${l}` : `${l}/`);

/** Every TypeScript file under the given top-level folders of the repository. */
export function sourceFiles(root: string, folders: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|mts|cts)$/.test(entry.name) && !entry.name.endsWith(".d.ts")) out.push(relative(root, path));
    }
  };
  for (const folder of folders) walk(resolve(root, folder));
  return out.sort();
}

export function repositoryViolations(root: string): Violation[] {
  return sourceFiles(root, ["functions", "src", "scripts"]).flatMap((file) => violationsOf(file, readFileSync(join(root, file), "utf8")));
}
