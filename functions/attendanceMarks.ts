import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from "@azure/functions";
import { theApp } from "../src/app/theApp";
import { inInvocation } from "../src/app/log/invocationLog";
import { BODY_LIMITS, readBoundedBody } from "../src/app/http/boundedBody";
import { PROVIDER_KEY_HEADER, recordMarks, type RecordMarksAnswer } from "../src/workflows/attendance/recordMarks";

/**
 * POST /api/attendance/marks — up to 100 session marks at once, from a provider's spreadsheet flow (function key and
 * the provider's own key in x-provider-key, both headers): `{"marks": [{caseRef, date, session, happened,
 * lateMinutes?, reasonGiven?, providerCode?}]}` (who recorded them is the key's provider). 200 with each row's
 * outcome (recorded, corrected, unchanged); 422 with every problem by row and field, and nothing written; 400 for a
 * body that is not a batch; 401 without a provider key; 413 over 128 KB. Logs carry counts only.
 */
export async function attendanceMarksHandler(request: HttpRequest, context: InvocationContext, record = (body: unknown, key: string | null): Promise<RecordMarksAnswer> => recordMarks(theApp().ports.recordMarks, body, key)): Promise<HttpResponseInit> {
  return inInvocation(context, async (log) => {
    const read = await readBoundedBody(request, BODY_LIMITS.marks, "send at most 100 marks at once");
    if (!read.ok) return read.response;
    let body: unknown;
    try {
      body = JSON.parse(read.text);
    } catch {
      return { status: 400, jsonBody: { error: "The request is not JSON." } };
    }
    const answer = await record(body, request.headers.get(PROVIDER_KEY_HEADER));
    if ("error" in answer) return { status: answer.status, jsonBody: { error: answer.error } };
    if (answer.status === 422) {
      log.info(`Session marks refused: ${answer.problems.length} problem(s)`, { count: answer.problems.length, status: 422 });
      return { status: 422, jsonBody: { problems: answer.problems } };
    }
    const count = (o: string) => answer.results.filter((r) => r.outcome === o).length;
    log.info(`Session marks: ${count("recorded")} recorded, ${count("corrected")} corrected, ${count("unchanged")} unchanged`, { count: answer.results.length, status: 200 });
    return { status: 200, jsonBody: { results: answer.results } };
  });
}

app.http("attendanceMarks", { route: "attendance/marks", methods: ["POST"], authLevel: "function", handler: attendanceMarksHandler });
