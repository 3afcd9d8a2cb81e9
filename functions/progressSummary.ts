import { app, type InvocationContext } from "@azure/functions";
import { theApp } from "../src/app/theApp";
import { inInvocation } from "../src/app/log/invocationLog";
import { runDueProgressSummary } from "../src/workflows/reports/progressSummaryRound";

/**
 * Hourly (UTC): in September (from REPORTS_TIME, UK, on the 1st) the Progress & Achievement summary of the year just
 * ended is saved to the Reports library and sent to the Director, once. Any year, any day: npm run report:progress.
 */
export async function progressSummaryHandler(_timer: unknown, context: InvocationContext, run = () => runDueProgressSummary(theApp().ports.reports, theApp().now())): Promise<void> {
  return inInvocation(context, async (log) => {
    const r = await run();
    if (r.kind !== "published") return;
    log.info(`Progress & Achievement summary ${r.academicYear}: saved to the Reports library, ${r.sent ? "sent to the Director" : "already sent"}; ${r.gaps} gap(s) to fill`, { count: r.gaps, outcome: r.kind });
  });
}

app.timer("progressSummary", { schedule: "0 40 * * * *", handler: progressSummaryHandler });
