import { app, type InvocationContext } from "@azure/functions";
import { settings } from "../src/app/settings";
import { appPorts } from "../src/app/composition";
import { CASE_INTAKE_QUEUE, intakeMessageSchema } from "../src/workflows/intake/intakeMessage";
import { writeCase } from "../src/workflows/intake/writeCase";
import { rememberCaseWrite } from "../src/app/listChangeWiring";
import { structuredLog } from "../src/app/log/structuredLog";

/** Writes each accepted submission to SharePoint (queue-triggered: retried, then parked in case-intake-poison). */
app.storageQueue("caseIntake", {
  queueName: CASE_INTAKE_QUEUE,
  connection: "AzureWebJobsStorage",
  handler: async (message: unknown, context: InvocationContext) => {
    const parsed = intakeMessageSchema.safeParse(message);
    if (!parsed.success) {
      structuredLog(context).error("Dropped a case-intake message that is not {responseId}", { queue: CASE_INTAKE_QUEUE });
      return;
    }
    const ports = appPorts(settings);
    const outcome = await writeCase(
      {
        submissions: ports.submissions,
        cases: ports.cases,
        ledger: ports.ledger,
        audit: ports.audit,
        mailer: ports.mailer,
        schools: ports.schools,
        partnershipName: settings.PARTNERSHIP_NAME,
        sencoEmail: settings.PARTNERSHIP_SENCO_EMAIL,
        now: ports.now,
        rememberWrite: rememberCaseWrite(ports),
      },
      parsed.data.responseId,
    );
    structuredLog(context).info(`Response ${parsed.data.responseId}: ${outcome}`, { responseId: parsed.data.responseId, outcome });
  },
});

/** Backstop: every 10 minutes, submissions accepted but not yet written are queued again. */
app.timer("caseIntakeSweep", {
  schedule: "0 */10 * * * *",
  handler: async (_timer, context) => {
    const ports = appPorts(settings);
    const pending = await ports.submissions.pending();
    for (const s of pending) await ports.intakeQueue.send({ responseId: s.responseId });
    if (pending.length) structuredLog(context).info(`Queued ${pending.length} submission(s) again`, { count: pending.length, queue: CASE_INTAKE_QUEUE });
  },
});
