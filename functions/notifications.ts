import { app, output, type HttpRequest, type InvocationContext } from "@azure/functions";
import { settings } from "../src/app/settings";
import { changeNotificationCollectionSchema, validationTokenSchema } from "../src/m365/graph/changeNotifications";
import { LIST_CHANGES_QUEUE } from "../src/workflows/listChanges/listChangeMessage";
import { sortNotifications } from "../src/workflows/listChanges/sortNotifications";
import { structuredLog } from "../src/app/log/structuredLog";

const listChanges = output.storageQueue({ queueName: LIST_CHANGES_QUEUE, connection: "AzureWebJobsStorage" });

/**
 * POST /api/notifications — Graph change and lifecycle notifications for the watched SharePoint lists.
 * Answers the validation handshake, checks clientState, queues the rest and answers 202 at once: Graph allows
 * 3 seconds, and the work (delta, the state machine, effects) happens in the queue-triggered function.
 */
app.http("notifications", {
  route: "notifications",
  methods: ["POST"],
  authLevel: "anonymous", // Graph cannot send a function key; clientState is the shared secret.
  extraOutputs: [listChanges],
  handler: async (request: HttpRequest, context: InvocationContext) => {
    const token = request.query.get("validationToken");
    if (token !== null) {
      const parsed = validationTokenSchema.safeParse(token);
      if (!parsed.success) return { status: 400, body: "Malformed validation token" };
      return { status: 200, headers: { "content-type": "text/plain" }, body: parsed.data };
    }

    let body: unknown;
    try {
      body = JSON.parse(await request.text());
    } catch {
      return { status: 400, body: "The body is not JSON" };
    }
    const parsed = changeNotificationCollectionSchema.safeParse(body);
    if (!parsed.success) return { status: 400, body: "The body is not a Graph change notification collection" };

    const { accepted, refused } = sortNotifications(parsed.data.value, settings.NOTIFICATION_CLIENT_STATE, new Date());
    for (const r of refused) structuredLog(context).warn(`Dropped a notification with a wrong clientState (subscription ${r.subscriptionId})`, { subscriptionId: r.subscriptionId });
    if (accepted.length > 0) context.extraOutputs.set(listChanges, accepted);
    return { status: 202 };
  },
});
