import { app, type InvocationContext } from "@azure/functions";
import { theApp } from "../src/app/theApp";
import { inInvocation } from "../src/app/log/invocationLog";
import { LIST_CHANGES_QUEUE, listChangeMessageSchema, type ListChangeMessage } from "../src/workflows/listChanges/listChangeMessage";
import { handleListChange, keepListsWatched } from "../src/workflows/listChanges/watchedLists";

/** One queued notification (or lifecycle event) for a watched list: its delta round, or its subscription renewed. */
export async function listChangesHandler(message: unknown, context: InvocationContext, handle = (m: ListChangeMessage) => handleListChange(theApp().ports.listWatch, m)): Promise<void> {
  return inInvocation(context, async (log) => {
    const parsed = listChangeMessageSchema.safeParse(message);
    if (!parsed.success) return log.error("Dropped a list-changes message of the wrong shape", { queue: LIST_CHANGES_QUEUE });
    const outcome = await handle(parsed.data);
    if (outcome.kind === "reauthorized") return log.info(`Reauthorized the subscription for ${outcome.list ?? "an unknown list"}`, { subscriptionId: parsed.data.subscriptionId });
    if (outcome.kind === "unknownSubscription") return log.warn(`A notification for subscription ${outcome.subscriptionId}, which the app does not know, was ignored`, { subscriptionId: outcome.subscriptionId });
    const r = outcome.report;
    const said = `${r.list}: ${r.skipped ? "already covered" : `${r.seen} changed item(s), ${r.handled} handled${r.parked ? `, ${r.parked} parked (tried again later)` : ""}${r.restarted ? " (delta restarted)" : ""}`}`;
    if (r.parked) return log.warn(said, { count: r.handled });
    log.info(said, { count: r.handled });
  });
}

/** Every 15 minutes and at start-up: subscriptions kept (or the lists polled), leftover case effects carried out, each list's delta run; one job's failure never stops the others. */
export async function subscriptionUpkeepHandler(_timer: unknown, context: InvocationContext, upkeep = () => keepListsWatched(theApp().ports.listWatch)): Promise<void> {
  return inInvocation(context, async (log) => {
    const report = await upkeep();
    log.info(`Subscriptions: ${report.subscriptions.map((r) => `${r.list} ${r.action}`).join(", ")}${report.polled.length ? `; polled: ${report.polled.join(", ")}` : ""}`);
    if (report.leftovers) log.info(`Carried out ${report.leftovers} transition(s)' effects left over from failed rounds`, { count: report.leftovers });
    for (const f of report.failures) log.error(`Upkeep: ${f.job} failed (${f.error}); the other jobs ran`, { outcome: "failed" });
  });
}

app.storageQueue("listChanges", { queueName: LIST_CHANGES_QUEUE, connection: "AzureWebJobsStorage", handler: listChangesHandler });
app.timer("subscriptionUpkeep", { schedule: "0 */15 * * * *", runOnStartup: true, handler: subscriptionUpkeepHandler });
