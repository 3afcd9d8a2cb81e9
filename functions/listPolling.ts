import { app, type InvocationContext } from "@azure/functions";
import { theApp } from "../src/app/theApp";
import { settings } from "../src/app/processSettings";
import { inInvocation } from "../src/app/log/invocationLog";
import { pollRefusedLists, type PollReport } from "../src/workflows/listChanges/watchedLists";

/**
 * Every LIST_POLL_MINUTES (default 1): the lists whose change notifications Graph refused run their delta round, so
 * coordinators' edits are still handled without Sites.ReadWrite.All. With every list subscribed it reads one table
 * and does nothing else. NCRONTAB in UTC; the setting divides an hour, so the polls are evenly spaced.
 */
export async function listPollingHandler(_timer: unknown, context: InvocationContext, poll = (): Promise<PollReport> => pollRefusedLists(theApp().ports.listWatch)): Promise<void> {
  return inInvocation(context, async (log) => {
    const report = await poll();
    const handled = report.rounds.reduce((n, r) => n + r.handled, 0);
    if (handled) log.info(`Polled ${report.rounds.map((r) => r.list).join(", ")}: ${handled} change(s) handled`, { count: handled });
    for (const f of report.failures) log.error(`Polling: ${f.job} failed (${f.error})`, { outcome: "failed" });
  });
}

app.timer("listPolling", { schedule: `0 */${settings.LIST_POLL_MINUTES} * * * *`, handler: listPollingHandler });
