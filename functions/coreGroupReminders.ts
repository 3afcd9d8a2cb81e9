import { app, type InvocationContext } from "@azure/functions";
import { settings } from "../src/app/settings";
import { appPorts } from "../src/app/composition";
import { coreGroupHourlyRound } from "../src/app/coreGroupWiring";
import { teamsChannelFor } from "../src/app/teamsChannelSource";

/**
 * Hourly, in UTC (timers have no time zone): the workflow decides in UK time whether a reminder or an agenda is
 * due (two school days before the meeting, from 08:00), and does each once.
 */
app.timer("coreGroupReminders", {
  schedule: "0 5 * * * *",
  handler: async (_timer, context: InvocationContext) => {
    const ports = appPorts(settings);
    const report = await coreGroupHourlyRound(ports, teamsChannelFor(ports), ports.now(), (m) => context.log(m));
    if (!report.ran) return report.why === "noTeams" ? context.log(`Core Group reminders: ${report.message}`) : context.warn(`Core Group reminders: ${report.message}`);
    context.log(`Core Group reminders: ${report.reminded} sent, ${report.refreshed} card(s) updated, agendas posted: ${report.agendas.join(", ") || "none"}`);
  },
});
