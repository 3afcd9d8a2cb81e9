import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { importsOf, layerOf, repositoryViolations, sourceFiles, violationsOf } from "./layerRules";

const root = join(__dirname, "..", "..");

describe("the layer rule", () => {
  it("holds for every file in functions/, src/ and scripts/", () => {
    const violations = repositoryViolations(root).map((v) => `${v.file} imports ${v.imports}: ${v.rule}`);
    expect(violations).toEqual([]);
  });

  it("looks at every layer's files (the rule is not passing because it saw nothing)", () => {
    const layers = new Set(sourceFiles(root, ["functions", "src", "scripts"]).map(layerOf));
    expect([...layers].sort()).toEqual(["app", "domain", "functions", "m365", "reports", "scripts", "settings", "teams", "workflows"]);
  });

  it("finds imports as the compiler parses them, not by pattern: type-only, re-exports, import(), require(), import types", () => {
    const text = [
      'import type { A } from "./a";',
      'export { B } from "./b";',
      "// import { Z } from \"./commented-out\";",
      'const s = "import { Y } from \\"./in-a-string\\"";',
      'const c = await import("./c");',
      'const d = require("./d");',
      'let e: import("./e").E;',
    ].join("\n");
    expect(importsOf("x.ts", text)).toEqual(["./a", "./b", "./c", "./d", "./e"]);
  });

  it("refuses the imports that point the wrong way", () => {
    const rules = (file: string, text: string) => violationsOf(file, text).map((v) => `${v.imports} — ${v.rule}`);
    expect(rules("src/domain/case/x.ts", 'import { graphClient } from "../../m365/graph/graphClient";')).toEqual(["src/m365/graph/graphClient — src/domain may import only src/domain"]);
    expect(rules("src/domain/case/x.ts", 'import { TableClient } from "@azure/data-tables";')).toEqual(["@azure/data-tables — src/domain may use only pure libraries (zod, date-fns, @date-fns/tz)"]);
    expect(rules("src/domain/case/x.ts", 'import { readFileSync } from "node:fs";')).toHaveLength(1);
    expect(rules("src/domain/case/x.ts", 'import { z } from "zod"; import { tz } from "@date-fns/tz"; import { addDays } from "date-fns/addDays";')).toEqual([]);
    expect(rules("src/m365/queues/x.ts", 'import type { ReplayQueue } from "../../workflows/operations/replayPoison";')).toHaveLength(1);
    expect(rules("src/m365/x.ts", 'import { teams } from "../app/teamsWiring"; import { T } from "../teams/teamsChannel";')).toHaveLength(2);
    expect(rules("src/settings/x.ts", 'import { identityStorageSetting } from "../m365/storage/storageConnection";')).toHaveLength(1);
    expect(rules("functions/x.ts", 'import { listItems } from "../src/m365/sharepoint/items";')).toHaveLength(1);
    expect(rules("functions/x.ts", 'import { handleBotRequest } from "../src/teams/bot/functionsBotAdapter";')).toHaveLength(1);
    expect(rules("src/workflows/x/y.ts", 'import { appPorts } from "../../app/composition";')).toHaveLength(1);
    expect(rules("src/app/x.ts", 'import { startGraphSandbox } from "../../sandbox/graph/server";')).toEqual(["sandbox/graph/server — production code never imports sandbox/"]);
    expect(rules("scripts/x.ts", 'import { seedDemoTenant } from "../sandbox/demo/demoTenant";')).toHaveLength(1);
    expect(rules("src/app/x.ts", 'import { recordMarks } from "../workflows/attendance/recordMarks"; import { listItems } from "../m365/sharepoint/items";')).toEqual([]);
  });
});
