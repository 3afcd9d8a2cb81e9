import { app, type InvocationContext } from "@azure/functions";
import { theApp } from "../src/app/theApp";
import { inInvocation } from "../src/app/log/invocationLog";
import { CASE_EFFECTS_QUEUE, caseEffectsMessageSchema, carryOutQueuedEffects, type CaseEffectsMessage } from "../src/workflows/cases/caseEffectsQueue";

/** A case's committed effects, queued by a press answered before them (retried, then parked in case-effects-poison). */
export async function caseEffectsHandler(message: unknown, context: InvocationContext, carryOut = (m: CaseEffectsMessage) => carryOutQueuedEffects(theApp().ports.cases, m)): Promise<void> {
  return inInvocation(context, async (log) => {
    const parsed = caseEffectsMessageSchema.safeParse(message);
    if (!parsed.success) return log.error("Dropped a case-effects message that is not {itemId}", { queue: CASE_EFFECTS_QUEUE });
    const transitions = await carryOut(parsed.data);
    log.info(`Case item ${parsed.data.itemId}: ${transitions} transition(s)' effects carried out`, { count: transitions });
  });
}

app.storageQueue("caseEffects", { queueName: CASE_EFFECTS_QUEUE, connection: "AzureWebJobsStorage", handler: caseEffectsHandler });
