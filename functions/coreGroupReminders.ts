import { app, type InvocationContext } from "@azure/functions";
import { theApp } from "../src/app/theApp";
import { inInvocation } from "../src/app/log/invocationLog";
import { coreGroupHourlyRound } from "../src/workflows/coreGroup/hourlyRound";

/**
 * Hourly, in UTC (timers have no time zone): the workflow decides in UK time whether a reminder or an agenda is
 * due (two school days before the meeting, from 08:00), and does each once.
 */
export async function coreGroupRemindersHandler(_timer: unknown, context: InvocationContext, run = () => coreGroupHourlyRound(theApp().ports.coreGroup, theApp().now())): Promise<void> {
  return inInvocation(context, async (log) => {
    const report = await run();
    if (!report.ran && report.why === "noTeams") return log.info(`Core Group reminders: ${report.message}`, { outcome: report.why });
    if (!report.ran) return log.warn(`Core Group reminders: ${report.message}`, { outcome: report.why });
    log.info(`Core Group reminders: ${report.reminded} sent, ${report.refreshed} card(s) updated, agendas posted: ${report.agendas.join(", ") || "none"}`, { count: report.reminded });
  });
}

app.timer("coreGroupReminders", { schedule: "0 5 * * * *", handler: coreGroupRemindersHandler });
