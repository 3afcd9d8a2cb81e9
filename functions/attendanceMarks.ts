import { app, type HttpRequest, type InvocationContext } from "@azure/functions";
import { settings } from "../src/app/settings";
import { appPorts } from "../src/app/composition";
import { recordMarksPorts } from "../src/app/attendanceWiring";
import { recordMarks } from "../src/workflows/attendance/recordMarks";

const MAX_BODY_CHARS = 512 * 1024;

/**
 * POST /api/attendance/marks — several session marks at once, from a provider's spreadsheet flow (function key):
 * `{"marks": [{caseRef, date, session, happened, lateMinutes?, reasonGiven?, providerCode?, recordedBy}]}`.
 * 200 with each row's outcome (recorded, corrected, unchanged); 422 with every problem by row and field, and
 * nothing written; 400 for a body that is not a batch. Logs carry counts only.
 */
app.http("attendanceMarks", {
  route: "attendance/marks",
  methods: ["POST"],
  authLevel: "function",
  handler: async (request: HttpRequest, context: InvocationContext) => {
    const text = await request.text();
    if (text.length > MAX_BODY_CHARS) return { status: 400, jsonBody: { error: "The request is over 512 KB: send fewer marks at once." } };
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return { status: 400, jsonBody: { error: "The request is not JSON." } };
    }
    const ports = appPorts(settings);
    const answer = await recordMarks(recordMarksPorts(ports), body);
    switch (answer.status) {
      case 400:
        return { status: 400, jsonBody: { error: answer.error } };
      case 422:
        context.log(`Session marks refused: ${answer.problems.length} problem(s)`);
        return { status: 422, jsonBody: { problems: answer.problems } };
      default: {
        const count = (o: string) => answer.results.filter((r) => r.outcome === o).length;
        context.log(`Session marks: ${count("recorded")} recorded, ${count("corrected")} corrected, ${count("unchanged")} unchanged`);
        return { status: 200, jsonBody: { results: answer.results } };
      }
    }
  },
});
