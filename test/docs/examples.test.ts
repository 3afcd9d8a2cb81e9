import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { schoolCalendarFor, shippedCalendars } from "../../src/domain/calendar";
import { REST_KEY, exampleBlocks, exampleSteps, mismatch, markRest, resultOf, runExample, type ExampleBlock } from "../support/docExamples";

/**
 * Every `@example` in src/domain is run: `expression // result` lines are checked against the module's exports
 * (the format is in test/support/docExamples.ts and docs/local-development.md). Blocks marked "(illustrative)"
 * need fixtures the example does not build; they are counted and listed as skipped.
 */
const root = join(__dirname, "..", "..");
const layer = join(root, "src", "domain");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

const files = sourceFiles(layer).sort();
const blocks: ExampleBlock[] = files.flatMap((f) => exampleBlocks(relative(root, f), readFileSync(f, "utf8")));

/** Names every example may use besides the exports: the shipped Leicestershire calendar, as a school follows it, and zod. */
const leicestershire = schoolCalendarFor(shippedCalendars.leicestershire!);
const prelude: Record<string, unknown> = { leicestershire, calendar: leicestershire, z };

const modules = new Map<string, Record<string, unknown>>();
async function exportsOf(file: string): Promise<Record<string, unknown>> {
  let m = modules.get(file);
  if (!m) {
    m = (await import(join(root, file))) as Record<string, unknown>;
    modules.set(file, m);
  }
  return m;
}

/** The prelude, then every export of the layer, then the module's own exports (the nearest wins). */
async function scopeFor(file: string): Promise<Record<string, unknown>> {
  const scope: Record<string, unknown> = { ...prelude };
  for (const f of files) {
    const exports = await exportsOf(relative(root, f));
    for (const [k, v] of Object.entries(exports)) if (!(k in scope) || k in prelude) scope[k] = v;
  }
  return { ...scope, ...(await exportsOf(file)) };
}

const counts = { run: 0, checks: 0, illustrative: 0 };

describe("the doc-example harness", () => {
  it("checks a result, with ... for the rest of an object or array", () => {
    const steps = exampleSteps(["add(2, 3) // 5", 'pair(1) // { a: 1, ... }', "list() // [1, 2, ...]"].join("\n"));
    const scope = { add: (a: number, b: number) => a + b, pair: (a: number) => ({ a, b: 2 }), list: () => [1, 2, 3] };
    expect(runExample(steps, scope)).toEqual({ checks: 3 });
  });

  it("fails a wrong result, naming the line and what came back", () => {
    const steps = exampleSteps('upnCheckLetter("801200100001") // "A": so A801200100001 is valid');
    expect(() => runExample(steps, { upnCheckLetter: () => "F" })).toThrow(/upnCheckLetter\("801200100001"\).*\n.*expected "A", got "F"/);
  });

  it("fails an object with properties the result does not admit to, unless it ends with ...", () => {
    expect(mismatch({ a: 1, b: 2 }, { a: 1 })).toMatch(/has b too/);
    expect(markRest("{ a: 1, ... }")).toBe(`{ a: 1, "${REST_KEY}": true }`);
    expect(mismatch({ a: 1, b: 2 }, { a: 1, [REST_KEY]: true })).toBeUndefined();
    expect(mismatch({ a: 2, b: 2 }, { a: 1, [REST_KEY]: true })).toMatch(/result.a: expected 1, got 2/);
  });

  it("runs statements first, in the example's scope, and checks what throws", () => {
    const steps = exampleSteps(["const x = twice(4);", "x + 1 // 9", "boom() // throws RangeError: out of range"].join("\n"));
    const scope = {
      twice: (n: number) => n * 2,
      boom: () => {
        throw new RangeError("out of range");
      },
    };
    expect(runExample(steps, scope)).toEqual({ checks: 2 });
    expect(() => runExample(exampleSteps("twice(1) // throws RangeError"), scope)).toThrow(/did not throw/);
  });

  it("reads the result up to the explanation, over several comment lines", () => {
    expect(resultOf('"2026-11-30" (Friday → Monday)')).toEqual({ result: '"2026-11-30"', explanation: "(Friday → Monday)" });
    const steps = exampleSteps(["f(1,", "  2)", "// { a: 1,", "//   b: 2 }"].join("\n"));
    expect(steps).toEqual([expect.objectContaining({ kind: "check", code: "f(1,\n  2)", result: "{ a: 1, b: 2 }" })]);
  });

  it("refuses a result that is not an expression, unless the block is illustrative", () => {
    expect(() => exampleSteps("f() // { pence: 1_800_000 × 21 }")).toThrow(/not an expression/);
    expect(exampleBlocks("x.ts", "/**\n * @example\n * // (illustrative)\n * f() // { pence: × }\n */\nexport function f() {}")).toEqual([
      expect.objectContaining({ subject: "f", illustrative: true }),
    ]);
  });
});

describe("@example blocks in src/domain", () => {
  it("finds the examples", () => {
    expect(blocks.length).toBeGreaterThan(50);
  });

  for (const block of blocks) {
    const name = `${block.file}:${block.line} ${block.subject}`;
    if (block.illustrative) {
      counts.illustrative++;
      it.skip(`${name} (illustrative)`, () => {});
      continue;
    }
    it(name, async () => {
      const steps = exampleSteps(block.text);
      const { checks } = runExample(steps, await scopeFor(block.file));
      counts.run++;
      counts.checks += checks;
    });
  }

  afterAll(() => {
    console.log(`@example blocks in src/domain: ${counts.run} run (${counts.checks} results checked), ${counts.illustrative} illustrative (not run), of ${blocks.length}`);
  });
});
