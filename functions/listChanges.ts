import { app, type InvocationContext } from "@azure/functions";
import { settings } from "../src/app/settings";
import { appPorts } from "../src/app/composition";
import { carryOutLeftoverCaseEffects, listChangeHandlers, watchedLists } from "../src/app/listChangeWiring";
import { LIST_CHANGES_QUEUE, listChangeMessageSchema } from "../src/workflows/listChanges/listChangeMessage";
import { processListChanges } from "../src/workflows/listChanges/processListChanges";
import { structuredLog } from "../src/app/log/structuredLog";
import { teamsChannelFor } from "../src/app/teamsChannelSource";
import { ensureSubscriptions, listForSubscription, reauthorizeSubscription, type SubscriptionPorts } from "../src/workflows/listChanges/ensureSubscriptions";

const subscriptionPorts = (): SubscriptionPorts => {
  const ports = appPorts(settings);
  return { subscriptions: ports.subscriptions, state: ports.state, now: ports.now, notificationUrl: settings.NOTIFICATION_URL, clientState: settings.NOTIFICATION_CLIENT_STATE };
};

/**
 * One queued notification (or lifecycle event) for a watched list: run that list's delta round. Duplicates and
 * bursts cost little (a round that started after the notification covers it); a missed notification is caught
 * by the timer below.
 */
app.storageQueue("listChanges", {
  queueName: LIST_CHANGES_QUEUE,
  connection: "AzureWebJobsStorage",
  handler: async (message: unknown, context: InvocationContext) => {
    const parsed = listChangeMessageSchema.safeParse(message);
    if (!parsed.success) return context.error("Dropped a list-changes message of the wrong shape");
    const ports = appPorts(settings);
    const lists = watchedLists(ports);
    if (parsed.data.lifecycleEvent === "reauthorizationRequired") {
      const list = await reauthorizeSubscription(subscriptionPorts(), parsed.data.subscriptionId, lists);
      return context.log(`Reauthorized the subscription for ${list ?? "an unknown list"}`);
    }
    const listName = await listForSubscription(ports.state, parsed.data.subscriptionId);
    const log = structuredLog(context);
    const handler = listName ? listChangeHandlers(ports, (m) => log.info(m), () => teamsChannelFor(ports)).get(listName) : undefined;
    if (!handler) return context.warn(`A notification for subscription ${parsed.data.subscriptionId}, which the app does not know, was ignored`);
    const report = await processListChanges({ state: ports.state, now: ports.now, list: (n) => ports.list(n), log: (m) => log.info(m) }, handler, new Date(parsed.data.receivedAt));
    log.info(`${report.list}: ${report.skipped ? "already covered" : `${report.seen} changed item(s), ${report.handled} handled${report.restarted ? " (delta restarted)" : ""}`}`);
  },
});

/**
 * Keeps a subscription on every watched list (create, renew a week ahead, recreate when lost), and runs each
 * list's delta as a backstop for notifications Graph never delivered. At start-up too: it costs one GET per list
 * when all is well.
 */
app.timer("subscriptionUpkeep", {
  schedule: "0 */15 * * * *",
  runOnStartup: true,
  handler: async (_timer, context: InvocationContext) => {
    const ports = appPorts(settings);
    const lists = watchedLists(ports);
    const results = await ensureSubscriptions(subscriptionPorts(), lists);
    context.log(`Subscriptions: ${results.map((r) => `${r.list} ${r.action}`).join(", ")}`);
    const leftovers = await carryOutLeftoverCaseEffects(ports, (m) => context.log(m), () => teamsChannelFor(ports));
    if (leftovers) context.log(`Carried out ${leftovers} transition(s)' effects left over from failed rounds`);
    const handlers = listChangeHandlers(ports, (m) => context.log(m), () => teamsChannelFor(ports));
    for (const list of lists) {
      const handler = handlers.get(list.name);
      if (handler) await processListChanges({ state: ports.state, now: ports.now, list: (n) => ports.list(n) }, handler);
    }
  },
});
