import { app, type InvocationContext } from "@azure/functions";
import { theApp } from "../src/app/theApp";
import { inInvocation } from "../src/app/log/invocationLog";
import { CASE_INTAKE_QUEUE, intakeMessageSchema } from "../src/workflows/intake/intakeMessage";
import { writeCase } from "../src/workflows/intake/writeCase";
import { sweepSubmissions } from "../src/workflows/intake/sweepSubmissions";

/** Writes each accepted submission to SharePoint (queue-triggered: retried, then parked in case-intake-poison). */
export async function caseIntakeHandler(message: unknown, context: InvocationContext, write = (responseId: string) => writeCase(theApp().ports.writeCase, responseId)): Promise<void> {
  return inInvocation(context, async (log) => {
    const parsed = intakeMessageSchema.safeParse(message);
    if (!parsed.success) return log.error("Dropped a case-intake message that is not {responseId}", { queue: CASE_INTAKE_QUEUE });
    const outcome = await write(parsed.data.responseId);
    log.info(`Response ${parsed.data.responseId}: ${outcome}`, { responseId: parsed.data.responseId, outcome });
  });
}

/** Backstop: every 10 minutes, submissions accepted but not yet written are queued again. */
export async function caseIntakeSweepHandler(_timer: unknown, context: InvocationContext, sweep = () => sweepSubmissions(theApp().ports.intake)): Promise<void> {
  return inInvocation(context, async (log) => {
    const queued = await sweep();
    if (queued) log.info(`Queued ${queued} submission(s) again`, { count: queued, queue: CASE_INTAKE_QUEUE });
  });
}

app.storageQueue("caseIntake", { queueName: CASE_INTAKE_QUEUE, connection: "AzureWebJobsStorage", handler: caseIntakeHandler });
app.timer("caseIntakeSweep", { schedule: "0 */10 * * * *", handler: caseIntakeSweepHandler });
