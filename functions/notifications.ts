import { app, output, type HttpRequest, type HttpResponseInit, type InvocationContext } from "@azure/functions";
import { settings } from "../src/app/processSettings";
import { inInvocation } from "../src/app/log/invocationLog";
import { LIST_CHANGES_QUEUE } from "../src/workflows/listChanges/listChangeMessage";
import { receiveNotifications } from "../src/workflows/listChanges/receiveNotifications";

export const listChangesOutput = output.storageQueue({ queueName: LIST_CHANGES_QUEUE, connection: "AzureWebJobsStorage" });

/**
 * POST /api/notifications — Graph change and lifecycle notifications for the watched SharePoint lists. Answers the
 * validation handshake, checks clientState, queues the rest and answers 202 at once: Graph allows 3 seconds, and
 * the work (delta, the state machine, effects) happens in the queue-triggered function. Graph cannot send a
 * function key: clientState is the shared secret.
 */
export async function notificationsHandler(request: HttpRequest, context: InvocationContext, clientState = settings.NOTIFICATION_CLIENT_STATE): Promise<HttpResponseInit> {
  return inInvocation(context, async (log) => {
    const validationToken = request.query.get("validationToken");
    const answer = receiveNotifications({ validationToken, body: validationToken === null ? await request.text() : "" }, clientState, new Date());
    if (answer.kind === "validation") return { status: 200, headers: { "content-type": "text/plain" }, body: answer.token };
    if (answer.kind === "badRequest") return { status: 400, body: answer.message };
    for (const r of answer.refused) log.warn(`Dropped a notification with a wrong clientState (subscription ${r.subscriptionId})`, { subscriptionId: r.subscriptionId });
    if (answer.accepted.length > 0) context.extraOutputs.set(listChangesOutput, answer.accepted);
    return { status: 202 };
  });
}

app.http("notifications", { route: "notifications", methods: ["POST"], authLevel: "anonymous", extraOutputs: [listChangesOutput], handler: notificationsHandler });
