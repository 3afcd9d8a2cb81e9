import { app, type InvocationContext } from "@azure/functions";
import { settings } from "../src/app/settings";
import { appPorts } from "../src/app/composition";
import { coreGroupTimerRound } from "../src/app/coreGroupWiring";
import { teamsChannelFor } from "../src/app/teamsChannelSource";
import { ChannelNotChosenError } from "../src/teams/teamsChannel";

/**
 * Hourly, in UTC (timers have no time zone): the workflow decides in UK time whether a reminder or an agenda is
 * due (two school days before the meeting, from 08:00), and does each once.
 */
app.timer("coreGroupReminders", {
  schedule: "0 5 * * * *",
  handler: async (_timer, context: InvocationContext) => {
    const ports = appPorts(settings);
    const teams = teamsChannelFor(ports);
    if (!teams) return context.log("Core Group reminders: no Teams channel yet (the bot is not set up)");
    let report: Awaited<ReturnType<typeof coreGroupTimerRound>>;
    try {
      report = await coreGroupTimerRound(ports, teams, ports.now(), (m) => context.log(m));
    } catch (e) {
      if (!(e instanceof ChannelNotChosenError)) throw e;
      return context.warn(`Core Group reminders: ${e.message}`);
    }
    context.log(`Core Group reminders: ${report.reminded} sent, ${report.refreshed} card(s) updated, agendas posted: ${report.agendas.join(", ") || "none"}`);
  },
});
