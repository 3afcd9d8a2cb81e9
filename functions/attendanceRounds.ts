import { app, type InvocationContext } from "@azure/functions";
import { settings } from "../src/app/settings";
import { appPorts } from "../src/app/composition";
import { attendanceRoundPorts } from "../src/app/attendanceWiring";
import { runDueAttendanceRounds } from "../src/workflows/attendance/attendanceTimer";

/**
 * Every 10 minutes (UTC NCRONTAB: Flex Consumption has no WEBSITE_TIME_ZONE): sends whatever attendance round
 * is due now in UK time and not yet complete — the morning alert from ATTENDANCE_ALERT_TIME, the digest and the
 * provider chase from ATTENDANCE_DIGEST_TIME — each message once per school per day. Logs carry counts only.
 */
app.timer("attendanceRounds", {
  schedule: "0 */10 * * * *",
  handler: async (_timer, context: InvocationContext) => {
    const ports = appPorts(settings);
    const reports = await runDueAttendanceRounds(attendanceRoundPorts(ports, (m) => context.log(m)), ports.now(), { alert: settings.ATTENDANCE_ALERT_TIME, digest: settings.ATTENDANCE_DIGEST_TIME });
    for (const r of reports) context.log(`Attendance ${r.kind} ${r.day}: ${r.schoolsWithPupils} school(s) with pupils, ${r.sent} sent, ${r.alreadySent} already sent, ${r.failed} failed${r.problems.length ? `; ${r.problems.length} problem(s): ${r.problems.join("; ")}` : ""}`);
  },
});
