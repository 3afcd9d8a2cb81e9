import { app, type HttpRequest, type InvocationContext } from "@azure/functions";
import { settings } from "../src/app/settings";
import { appPorts } from "../src/app/composition";
import { loadFormDefinition, referralRules } from "../src/app/referralRules";
import { readFormsSubmission } from "../src/workflows/intake/formsSubmission";
import { receiveReferral } from "../src/workflows/intake/receiveReferral";
import { structuredLog } from "../src/app/log/structuredLog";

const definition = loadFormDefinition(settings.REFERRAL_FORM_DEFINITION);

/**
 * POST /api/forms/referral — each Referral Form response, forwarded by the Power Automate flow with the function
 * key. 202 with the case reference when accepted, 200 for a response already received, 422 with every problem by
 * question, 400 for a body that is not a submission. Logs carry the response id and case reference only.
 */
app.http("referralIntake", {
  route: "forms/referral",
  methods: ["POST"],
  authLevel: "function",
  handler: async (request: HttpRequest, context: InvocationContext) => {
    const read = readFormsSubmission(await request.text());
    if (!read.ok) return { status: read.problem.status, jsonBody: { error: read.problem.message } };
    const ports = appPorts(settings);
    const rules = referralRules(definition, await ports.schools.urns(), ports.now());
    const answer = await receiveReferral(
      {
        rules,
        submissions: ports.submissions,
        openCases: ports.openCases,
        caseNumbers: ports.caseNumbers,
        enqueue: (m) => ports.intakeQueue.send(m),
        partnership: settings.PARTNERSHIP_CODE,
        now: ports.now,
      },
      read.submission,
    );
    switch (answer.status) {
      case 422:
        structuredLog(context).info(`Response ${read.submission.responseId} refused: ${answer.problems.length} problem(s)`, { responseId: read.submission.responseId, count: answer.problems.length, status: 422 });
        return { status: 422, jsonBody: { problems: answer.problems } };
      case 503:
        return { status: 503, headers: { "retry-after": String(answer.retryAfterSeconds) }, jsonBody: { error: "Another submission for this pupil is being accepted; please retry." } };
      default:
        structuredLog(context).forCase(answer.caseRef).info(`Response ${read.submission.responseId} → ${answer.caseRef}${answer.linkedTo ? " (linked to an open case)" : ""}`, { responseId: read.submission.responseId, status: answer.status });
        return { status: answer.status, jsonBody: { caseRef: answer.caseRef, ...(answer.linkedTo ? { linkedTo: answer.linkedTo } : {}) } };
    }
  },
});
