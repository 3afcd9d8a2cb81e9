import { app, type InvocationContext } from "@azure/functions";
import { theApp } from "../src/app/theApp";
import { inInvocation } from "../src/app/log/invocationLog";
import { dailyRound } from "../src/workflows/dailyRound/dailyRound";

/**
 * The daily round (placements starting, charges to date, meetings, reminders), each weekday at 06:30 UTC —
 * before the school day in both GMT and BST. Timers run in UTC on Flex Consumption; the workflow decides in
 * Europe/London whether today is a school day. Safe to run again (on demand, or a retried run): every email has
 * its own ledger key.
 */
export async function dailyRoundHandler(_timer: unknown, context: InvocationContext, run = () => dailyRound(theApp().ports.placements)): Promise<void> {
  return inInvocation(context, async (log) => {
    const r = await run();
    const did = r.schoolDay ? `${r.reminders} reminder(s), ${r.started} placement(s) started, ${r.charges} charge(s) updated, ${r.meetingAssignments} meeting assignment(s), ${r.agendas} agenda(s)${r.waitingForTeams ? `, ${r.waitingForTeams} waiting for Teams` : ""}` : "not a school day";
    log.info(`Daily round: ${did}`, { day: r.day, outcome: r.schoolDay ? "schoolDay" : "notSchoolDay" });
  });
}

app.timer("dailyRound", { schedule: "0 30 6 * * 1-5", handler: dailyRoundHandler });
