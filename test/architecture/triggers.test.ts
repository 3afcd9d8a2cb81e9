import { readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { sourceFiles } from "./layerRules";

const root = join(__dirname, "..", "..");
const triggers = sourceFiles(root, ["functions"]).map((file) => ({ file, text: readFileSync(join(root, file), "utf8") }));

/** Calls in a file that log past the structured log: `context.log(…)`, `context.warn(…)`, `console.*(…)`. */
function directLogging(file: string, text: string): string[] {
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && ts.isIdentifier(node.expression.expression)) {
      const target = node.expression.expression.text;
      const method = node.expression.name.text;
      if ((target === "context" && ["log", "warn", "error", "info", "debug", "trace"].includes(method)) || target === "console") found.push(`${target}.${method}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS));
  return found;
}

/** The names of the functions a file exports. */
function exportedFunctions(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  return source.statements.filter(ts.isFunctionDeclaration).filter((f) => f.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) && f.name).map((f) => f.name!.text);
}

describe("the trigger files in functions/", () => {
  it("are there to check", () => {
    expect(triggers.length).toBeGreaterThanOrEqual(10);
  });

  it("are short: registration and translation only (under about 40 lines each)", () => {
    expect(triggers.filter((t) => t.text.split("\n").length > 42).map((t) => t.file)).toEqual([]);
  });

  it("each export a named handler for every function they register, which a test can call without the host", () => {
    for (const { file, text } of triggers) {
      const registered = [...text.matchAll(/app\.(?:http|timer|storageQueue)\("(\w+)"/g)].map((m) => `${m[1]}Handler`);
      expect(registered.length, file).toBeGreaterThan(0);
      expect(exportedFunctions(file, text), file).toEqual(expect.arrayContaining(registered));
    }
  });

  it("log only through the structured log, never context.log or the console", () => {
    expect(triggers.flatMap((t) => directLogging(t.file, t.text).map((call) => `${t.file}: ${call}`))).toEqual([]);
    expect(directLogging("x.ts", "context.log('a'); console.warn('b'); log.info('c');")).toEqual(["context.log", "console.warn"]);
  });
});
