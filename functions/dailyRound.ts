import { app, type InvocationContext } from "@azure/functions";
import { settings } from "../src/app/settings";
import { appPorts } from "../src/app/composition";
import { caseCommands } from "../src/app/listChangeWiring";
import { placementPorts } from "../src/app/placementWiring";
import { dailyRound } from "../src/workflows/reminders/dailyReminders";

/**
 * The daily round (placements starting, charges to date, meetings, reminders), each weekday at 06:30 UTC —
 * before the school day in both GMT and BST. Timers run in UTC on Flex Consumption; the workflow decides in
 * Europe/London whether today is a school day. Safe to run again (on demand, or a retried run): every email has
 * its own ledger key.
 */
app.timer("dailyRound", {
  schedule: "0 30 6 * * 1-5",
  handler: async (_timer: unknown, context: InvocationContext) => {
    const ports = appPorts(settings);
    const log = (m: string) => context.log(m);
    const report = await dailyRound(placementPorts(ports, log, caseCommands(ports, log)));
    context.log(`Daily round ${report.day}: ${report.schoolDay ? `${report.reminders} reminder(s), ${report.started} placement(s) started, ${report.charges} charge(s) updated, ${report.meetingAssignments} meeting assignment(s), ${report.agendas} agenda(s)` : "not a school day"}`);
  },
});
