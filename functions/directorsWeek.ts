import { app, type InvocationContext } from "@azure/functions";
import { theApp } from "../src/app/theApp";
import { inInvocation } from "../src/app/log/invocationLog";
import { runDueDirectorsWeek } from "../src/workflows/reports/directorsWeekRound";

/**
 * Every 10 minutes (UTC NCRONTAB: Flex Consumption has no time zone): sends the Director's week once it is due in UK
 * time (Mondays from REPORTS_TIME, made up later in the week if Monday's runs failed), once a week. On demand
 * locally: POST /admin/functions/directorsWeek with the master key. Logs carry the week and counts only.
 */
export async function directorsWeekHandler(_timer: unknown, context: InvocationContext, run = () => runDueDirectorsWeek(theApp().ports.reports, theApp().now())): Promise<void> {
  return inInvocation(context, async (log) => {
    const r = await run();
    if (r.kind === "notDue") return;
    if (r.kind === "alreadySent") return log.info(`Director's week of ${r.weekOf}: already sent`, { day: r.weekOf, outcome: r.kind });
    log.info(`Director's week of ${r.weekOf}: ${r.kind === "sent" ? "sent" : "found sent"}${r.problems.length ? `; ${r.problems.length} record(s) left out: ${r.problems.join("; ")}` : ""}`, { day: r.weekOf, outcome: r.kind });
  });
}

app.timer("directorsWeek", { schedule: "0 */10 * * * *", handler: directorsWeekHandler });
