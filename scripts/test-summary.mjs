// Prints vitest's JSON results as the plain closing line CI reads: "Tests: N passed, N failed, N skipped".
import { readFileSync, existsSync } from "node:fs";

const file = process.argv[2] ?? "test-results/vitest.json";
if (!existsSync(file)) {
  console.log("Tests: 0 passed, 1 failed, 0 skipped");
  console.log("(no results file: the test run did not get as far as the tests)");
  process.exit(0);
}
const r = JSON.parse(readFileSync(file, "utf8"));
// A test file that fails to load has no failed test of its own: count it as one failure so it is never hidden.
const filesThatFailedToLoad = (r.testResults ?? []).filter(
  (f) => f.status === "failed" && !(f.assertionResults ?? []).some((a) => a.status === "failed"),
).length;
const failed = r.numFailedTests + filesThatFailedToLoad;
const skipped = r.numPendingTests + (r.numTodoTests ?? 0);
console.log(`Tests: ${r.numPassedTests} passed, ${failed} failed, ${skipped} skipped`);
