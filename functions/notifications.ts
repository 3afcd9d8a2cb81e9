import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from "@azure/functions";
import { settings } from "../src/app/processSettings";
import { inInvocation } from "../src/app/log/invocationLog";
import { BODY_LIMITS, readBoundedBody } from "../src/app/http/boundedBody";
import { queueListChanges } from "../src/app/listChangeQueue";
import type { ListChangeMessage } from "../src/workflows/listChanges/listChangeMessage";
import { receiveNotifications, refusedSummary } from "../src/workflows/listChanges/receiveNotifications";

/**
 * POST /api/notifications — Graph change and lifecycle notifications for the watched SharePoint lists. Answers the
 * validation handshake, checks clientState, queues the rest (POSTs that arrive together share one write) and answers
 * 202 once it is written: Graph allows 3 seconds, and the work (delta, the state machine, effects) happens in the
 * queue-triggered function. Graph cannot send a function key: clientState is the shared secret.
 */
export async function notificationsHandler(request: HttpRequest, context: InvocationContext, clientState = settings.NOTIFICATION_CLIENT_STATE, queue: (m: readonly ListChangeMessage[]) => Promise<void> = queueListChanges): Promise<HttpResponseInit> {
  return inInvocation(context, async (log) => {
    const validationToken = request.query.get("validationToken");
    let body = "";
    if (validationToken === null) {
      const read = await readBoundedBody(request, BODY_LIMITS.notifications, "Graph never sends a batch this large");
      if (!read.ok) return read.response;
      body = read.text;
    }
    const answer = receiveNotifications({ validationToken, body }, clientState, new Date());
    // The echo is plain text the browser must never sniff into anything else.
    if (answer.kind === "validation") return { status: 200, headers: { "content-type": "text/plain; charset=utf-8", "x-content-type-options": "nosniff" }, body: answer.token };
    if (answer.kind === "badRequest") return { status: 400, body: answer.message };
    const refused = refusedSummary(answer.refused);
    if (refused) log.warn(refused.message, { count: refused.count, subscriptionId: refused.first });
    // Written before the 202: a failed write answers 500, and Graph sends the notifications again.
    await queue(answer.accepted);
    return { status: 202 };
  });
}

app.http("notifications", { route: "notifications", methods: ["POST"], authLevel: "anonymous", handler: notificationsHandler });
