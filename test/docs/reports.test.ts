import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { progressSummaryDefinitions } from "../../src/domain/reports";

/** docs/reports.md gives every figure's definition in the words the summary prints with it (one source: the model). */
const doc = readFileSync(join(__dirname, "..", "..", "docs", "reports.md"), "utf8");

describe("docs/reports.md", () => {
  it("has each of the summary's definitions word for word", () => {
    for (const [name, words] of Object.entries(progressSummaryDefinitions)) expect(doc, name).toContain(words);
  });

  it("names every report timer and the settings it reads", () => {
    for (const name of ["directorsWeek", "termlyStatements", "progressSummary", "REPORTS_TIME", "REPORTS_LIBRARY", "DIRECTOR_EMAIL", "npm run report:progress"]) expect(doc).toContain(name);
  });
});
