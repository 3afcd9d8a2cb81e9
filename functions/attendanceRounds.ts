import { app, type InvocationContext } from "@azure/functions";
import { theApp } from "../src/app/theApp";
import { inInvocation } from "../src/app/log/invocationLog";
import { runDueAttendanceRounds } from "../src/workflows/attendance/attendanceTimer";

const runRounds = () => {
  const { ports, now, settings } = theApp();
  return runDueAttendanceRounds(ports.attendanceRounds(), now(), { alert: settings.ATTENDANCE_ALERT_TIME, digest: settings.ATTENDANCE_DIGEST_TIME });
};

/**
 * Every 10 minutes (UTC NCRONTAB: Flex Consumption has no WEBSITE_TIME_ZONE): sends whatever attendance round
 * is due now in UK time and not yet complete — the morning alert from ATTENDANCE_ALERT_TIME, the digest and the
 * provider chase from ATTENDANCE_DIGEST_TIME — each message once per school per day. Logs carry counts only.
 */
export async function attendanceRoundsHandler(_timer: unknown, context: InvocationContext, run = runRounds): Promise<void> {
  return inInvocation(context, async (log) => {
    for (const r of await run()) {
      log.info(`Attendance ${r.kind}: ${r.schoolsWithPupils} school(s) with pupils, ${r.sent} sent, ${r.alreadySent} already sent, ${r.failed} failed${r.problems.length ? `; ${r.problems.length} problem(s): ${r.problems.join("; ")}` : ""}`, { outcome: r.kind, day: r.day });
    }
  });
}

app.timer("attendanceRounds", { schedule: "0 */10 * * * *", handler: attendanceRoundsHandler });
