import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from "@azure/functions";
import { theApp } from "../src/app/theApp";
import { inInvocation } from "../src/app/log/invocationLog";
import { BODY_LIMITS, readBoundedBody } from "../src/app/http/boundedBody";
import { readFormsSubmission, type FormsSubmission } from "../src/workflows/intake/formsSubmission";
import { acceptReferral } from "../src/workflows/intake/referralRules";

/**
 * POST /api/forms/referral — each Referral Form response, forwarded by the Power Automate flow with the function
 * key. 202 with the case reference when accepted, 200 for a response already received, 422 with every problem by
 * question, 400 for a body that is not a submission, 413 for one over 256 KB (refused before it is read). Logs carry
 * the response id and case reference only.
 */
export async function referralIntakeHandler(request: HttpRequest, context: InvocationContext, accept = (s: FormsSubmission) => acceptReferral(theApp().ports.intake, s)): Promise<HttpResponseInit> {
  return inInvocation(context, async (log) => {
    const body = await readBoundedBody(request, BODY_LIMITS.referral, "a Referral Form response is never this large");
    if (!body.ok) return body.response;
    const read = readFormsSubmission(body.text);
    if (!read.ok) return { status: read.problem.status, jsonBody: { error: read.problem.message } };
    const responseId = read.submission.responseId;
    const answer = await accept(read.submission);
    if (answer.status === 503) return { status: 503, headers: { "retry-after": String(answer.retryAfterSeconds) }, jsonBody: { error: "Another submission for this pupil is being accepted; please retry." } };
    if (answer.status === 429) return log.warn(`Response ${responseId} refused: over the daily quota`, { responseId, status: 429 }), { status: 429, headers: { "retry-after": String(answer.retryAfterSeconds) }, jsonBody: { error: answer.message } };
    if (answer.status === 422) {
      log.info(`Response ${responseId} refused: ${answer.problems.length} problem(s)`, { responseId, count: answer.problems.length, status: 422 });
      return { status: 422, jsonBody: { problems: answer.problems } };
    }
    log.forCase(answer.caseRef).info(`Response ${responseId} → ${answer.caseRef}${answer.linkedTo ? " (linked to an open case)" : ""}`, { responseId, status: answer.status });
    return { status: answer.status, jsonBody: { caseRef: answer.caseRef, ...(answer.linkedTo ? { linkedTo: answer.linkedTo } : {}) } };
  });
}

app.http("referralIntake", { route: "forms/referral", methods: ["POST"], authLevel: "function", handler: referralIntakeHandler });
