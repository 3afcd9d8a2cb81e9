import "../support/exampleSettings";
import { describe, expect, it } from "vitest";
import { HttpRequest, InvocationContext } from "@azure/functions";
import { attendanceMarksHandler } from "../../functions/attendanceMarks";
import { attendanceRoundsHandler } from "../../functions/attendanceRounds";
import { botHandler } from "../../functions/bot";
import { caseIntakeHandler, caseIntakeSweepHandler } from "../../functions/caseIntake";
import { caseEffectsHandler } from "../../functions/caseEffects";
import { coreGroupRemindersHandler } from "../../functions/coreGroupReminders";
import { dailyRoundHandler } from "../../functions/dailyRound";
import { healthHandler } from "../../functions/health";
import { healthDeepHandler } from "../../functions/healthDeep";
import { listChangesHandler, subscriptionUpkeepHandler } from "../../functions/listChanges";
import { listChangesOutput, notificationsHandler } from "../../functions/notifications";
import { referralIntakeHandler } from "../../functions/referralIntake";
import type { AttendanceRoundReport } from "../../src/workflows/attendance/dailyAttendance";
import type { HealthReport } from "../../src/workflows/operations/healthCheck";
import type { ListChangeMessage } from "../../src/workflows/listChanges/listChangeMessage";
import type { FormsSubmission } from "../../src/workflows/intake/formsSubmission";

/**
 * Each function's handler called directly, without the host: what it parses, the one workflow call it makes, and
 * how it answers and logs the result. The workflow is the handler's last argument; here it is a stand-in that
 * records what it was asked and answers what the test needs.
 */

const today = new Date().toISOString().slice(0, 10);

function invocation(functionName: string) {
  const lines: { level: string; line: Record<string, unknown> }[] = [];
  const context = new InvocationContext({
    functionName,
    invocationId: "6f1c0c6e-0000-4000-8000-000000000001",
    logHandler: (level, ...args) => void lines.push({ level, line: JSON.parse(String(args[0])) as Record<string, unknown> }),
  });
  return { context, lines, messages: () => lines.map((l) => String(l.line.message)) };
}

const post = (url: string, body: string, headers: Record<string, string> = {}) => new HttpRequest({ method: "POST", url: `http://127.0.0.1:7071/api/${url}`, body: { string: body }, headers });

describe("POST /api/attendance/marks", () => {
  it("refuses a body that is too big or not JSON without calling the workflow", async () => {
    const asked: unknown[] = [];
    const record = async (body: unknown) => (asked.push(body), { status: 200 as const, results: [] });
    expect(await attendanceMarksHandler(post("attendance/marks", "x".repeat(512 * 1024 + 1)), invocation("attendanceMarks").context, record)).toMatchObject({ status: 400, jsonBody: { error: "The request is over 512 KB: send fewer marks at once." } });
    expect(await attendanceMarksHandler(post("attendance/marks", "{not json"), invocation("attendanceMarks").context, record)).toMatchObject({ status: 400, jsonBody: { error: "The request is not JSON." } });
    expect(asked).toEqual([]);
  });

  it("answers the workflow's outcomes, and logs counts only", async () => {
    const { context, lines } = invocation("attendanceMarks");
    const results = [{ row: 1, markKey: "LNCIP-2026-0042:2026-11-23:AM:1", outcome: "recorded" as const }, { row: 2, markKey: "LNCIP-2026-0042:2026-11-23:PM:1", outcome: "unchanged" as const }];
    const answer = await attendanceMarksHandler(post("attendance/marks", '{"marks":[]}'), context, async (body) => (expect(body).toEqual({ marks: [] }), { status: 200, results }));
    expect(answer).toEqual({ status: 200, jsonBody: { results } });
    expect(lines.map((l) => l.line)).toMatchObject([{ function: "attendanceMarks", count: 2, status: 200, message: "Session marks: 1 recorded, 0 corrected, 1 unchanged" }]);
    const refused = await attendanceMarksHandler(post("attendance/marks", "{}"), invocation("attendanceMarks").context, async () => ({ status: 422, problems: [{ row: 1, field: "session", message: "expected AM or PM" }] }));
    expect(refused).toEqual({ status: 422, jsonBody: { problems: [{ row: 1, field: "session", message: "expected AM or PM" }] } });
  });
});

describe("the attendance timer", () => {
  it("logs each round it ran, with its day as a field and counts in the message", async () => {
    const { context, lines } = invocation("attendanceRounds");
    const report: AttendanceRoundReport = { kind: "digest", day: today, schoolsWithPupils: 3, sent: 2, alreadySent: 1, inProgressElsewhere: 0, nothingToSay: 0, failed: 0, chases: 1, problems: [] };
    await attendanceRoundsHandler({}, context, async () => [report]);
    expect(lines.map((l) => l.line)).toMatchObject([{ day: today, outcome: "digest", message: "Attendance digest: 3 school(s) with pupils, 2 sent, 1 already sent, 0 failed" }]);
  });
});

describe("POST /api/messages (the bot)", () => {
  it("answers what the bot answered, and a failure with words, its detail logged", async () => {
    const request = post("messages", "{}");
    expect(await botHandler(request, invocation("bot").context, async (r) => (expect(r).toBe(request), { status: 200, jsonBody: { ok: true } }))).toEqual({ status: 200, jsonBody: { ok: true } });
    const { context, lines } = invocation("bot");
    const failed = await botHandler(request, context, async () => {
      throw new TypeError("adapter exploded");
    });
    expect(failed).toEqual({ status: 500, jsonBody: { error: "the bot could not handle the activity" } });
    expect(lines.map((l) => [l.level, l.line.errorName, l.line.message])).toEqual([["error", "TypeError", "The bot could not handle an activity: adapter exploded"]]);
  });
});

describe("the case-effects queue", () => {
  it("carries out the effects of the case item named, and logs how many transitions' worth", async () => {
    const { context, lines } = invocation("caseEffects");
    const asked: string[] = [];
    await caseEffectsHandler({ itemId: "17" }, context, async (m) => (asked.push(m.itemId), 2));
    expect(asked).toEqual(["17"]);
    expect(lines.map((l) => l.line)).toMatchObject([{ count: 2, message: "Case item 17: 2 transition(s)' effects carried out" }]);
  });

  it("drops a message of the wrong shape, logged, without carrying anything out", async () => {
    const { context, lines } = invocation("caseEffects");
    let called = false;
    await caseEffectsHandler({ itemId: "17; drop", caseRef: "Jane Smith" }, context, async () => ((called = true), 0));
    expect(called).toBe(false);
    expect(lines.map((l) => [l.level, l.line.queue])).toEqual([["error", "case-effects"]]);
    expect(JSON.stringify(lines)).not.toContain("Jane");
  });
});

describe("the case-intake queue and its sweep", () => {
  it("writes the case of a well-formed message and logs the outcome by response id", async () => {
    const { context, lines } = invocation("caseIntake");
    const written: string[] = [];
    await caseIntakeHandler({ responseId: "17" }, context, async (id) => (written.push(id), "written"));
    expect(written).toEqual(["17"]);
    expect(lines.map((l) => l.line)).toMatchObject([{ responseId: "17", outcome: "written", message: "Response 17: written" }]);
  });

  it("drops a message of the wrong shape, logged, without writing anything", async () => {
    const { context, lines } = invocation("caseIntake");
    let called = false;
    await caseIntakeHandler({ responseId: "", pupil: "Jane Smith" }, context, async () => ((called = true), "written"));
    expect(called).toBe(false);
    expect(lines.map((l) => [l.level, l.line.queue])).toEqual([["error", "case-intake"]]);
    expect(JSON.stringify(lines)).not.toContain("Jane");
  });

  it("says how many submissions the sweep queued again, and nothing when there were none", async () => {
    const swept = invocation("caseIntakeSweep");
    await caseIntakeSweepHandler({}, swept.context, async () => 3);
    expect(swept.lines.map((l) => l.line)).toMatchObject([{ count: 3, message: "Queued 3 submission(s) again" }]);
    const quiet = invocation("caseIntakeSweep");
    await caseIntakeSweepHandler({}, quiet.context, async () => 0);
    expect(quiet.lines).toEqual([]);
  });
});

describe("the Core Group timer", () => {
  it("says why it did nothing (no bot: information; no channel chosen: a warning), else what it did", async () => {
    const noBot = invocation("coreGroupReminders");
    await coreGroupRemindersHandler({}, noBot.context, async () => ({ ran: false, why: "noTeams", message: "no Teams channel yet (the bot is not set up)" }));
    expect(noBot.lines.map((l) => [l.level, l.line.message])).toEqual([["information", "Core Group reminders: no Teams channel yet (the bot is not set up)"]]);
    const noChannel = invocation("coreGroupReminders");
    await coreGroupRemindersHandler({}, noChannel.context, async () => ({ ran: false, why: "channelNotChosen", message: "no Core Group channel chosen" }));
    expect(noChannel.lines.map((l) => l.level)).toEqual(["warning"]);
    const ran = invocation("coreGroupReminders");
    await coreGroupRemindersHandler({}, ran.context, async () => ({ ran: true, pending: 0, reminded: 2, refreshed: 1, agendas: ["IF-2026-12"] }));
    expect(ran.messages()).toEqual(["Core Group reminders: 2 sent, 1 card(s) updated, agendas posted: IF-2026-12"]);
  });
});

describe("the daily round", () => {
  it("logs what the round did, its day as a field (a date in a message would be scrubbed)", async () => {
    const { context, lines } = invocation("dailyRound");
    await dailyRoundHandler({}, context, async () => ({ day: today, schoolDay: true, reminders: 3, started: 1, charges: 4, meetingAssignments: 2, agendas: 0 }));
    expect(lines.map((l) => l.line)).toMatchObject([{ day: today, outcome: "schoolDay", message: "Daily round: 3 reminder(s), 1 placement(s) started, 4 charge(s) updated, 2 meeting assignment(s), 0 agenda(s)" }]);
    const holiday = invocation("dailyRound");
    await dailyRoundHandler({}, holiday.context, async () => ({ day: today, schoolDay: false, reminders: 0, started: 0, charges: 0, meetingAssignments: 0, agendas: 0 }));
    expect(holiday.messages()).toEqual(["Daily round: not a school day"]);
  });
});

describe("GET /api/health and /api/health/deep", () => {
  it("answers ok with the partnership's code", async () => {
    expect(await healthHandler(undefined, undefined, "LNCIP")).toEqual({ status: 200, jsonBody: { status: "ok", app: "inclusion-flow", partnership: "LNCIP" } });
  });

  it("answers 503 when a dependency is down and 200 with a warning when a poison queue holds messages", async () => {
    const report = (status: HealthReport["status"]): HealthReport => ({ status, checks: { storage: { ok: status !== "failing", ms: 3 }, graphToken: { ok: true, ms: 5 } }, queues: { "case-intake": { depth: 0, poison: status === "attention" ? 2 : 0 } } });
    const failing = invocation("healthDeep");
    expect(await healthDeepHandler(post("health/deep", ""), failing.context, async () => report("failing"), "LNCIP")).toMatchObject({ status: 503, jsonBody: { status: "failing", partnership: "LNCIP" } });
    const attention = invocation("healthDeep");
    expect(await healthDeepHandler(post("health/deep", ""), attention.context, async () => report("attention"), "LNCIP")).toMatchObject({ status: 200, jsonBody: { status: "attention" } });
    expect(attention.lines.map((l) => [l.level, l.line.outcome])).toEqual([["warning", "attention"]]);
    const ok = invocation("healthDeep");
    expect(await healthDeepHandler(post("health/deep", ""), ok.context, async () => report("ok"), "LNCIP")).toMatchObject({ status: 200 });
    expect(ok.lines).toEqual([]);
  });
});

describe("the list-changes queue and the upkeep timer", () => {
  const message: ListChangeMessage = { subscriptionId: "7f0c2b1e-0000-4000-8000-00000000000a", receivedAt: "2026-11-23T09:15:00.000Z" };

  it("drops a message of the wrong shape without a round", async () => {
    const { context, lines } = invocation("listChanges");
    let called = false;
    await listChangesHandler({ subscriptionId: 42 }, context, async () => ((called = true), { kind: "unknownSubscription", subscriptionId: "x" }));
    expect(called).toBe(false);
    expect(lines.map((l) => l.level)).toEqual(["error"]);
  });

  it("reports the round, a renewed subscription, or a subscription it does not know", async () => {
    const round = invocation("listChanges");
    await listChangesHandler(message, round.context, async (m) => (expect(m).toEqual(message), { kind: "round", report: { list: "Cases", skipped: false, restarted: true, seen: 3, handled: 1 } }));
    expect(round.lines.map((l) => l.line)).toMatchObject([{ count: 1, message: "Cases: 3 changed item(s), 1 handled (delta restarted)" }]);
    const renewed = invocation("listChanges");
    await listChangesHandler({ ...message, lifecycleEvent: "reauthorizationRequired" }, renewed.context, async () => ({ kind: "reauthorized", list: "Placements" }));
    expect(renewed.messages()).toEqual(["Reauthorized the subscription for Placements"]);
    const unknown = invocation("listChanges");
    await listChangesHandler(message, unknown.context, async () => ({ kind: "unknownSubscription", subscriptionId: message.subscriptionId }));
    expect(unknown.lines.map((l) => [l.level, l.line.subscriptionId])).toEqual([["warning", message.subscriptionId]]);
  });

  it("logs what the upkeep did with the subscriptions and the leftover effects", async () => {
    const { context, messages } = invocation("subscriptionUpkeep");
    await subscriptionUpkeepHandler({}, context, async () => ({ subscriptions: [{ list: "Cases", action: "kept" }, { list: "Reviews", action: "renewed" }], leftovers: 2, rounds: [] }));
    expect(messages()).toEqual(["Subscriptions: Cases kept, Reviews renewed", "Carried out 2 transition(s)' effects left over from failed rounds"]);
  });
});

describe("POST /api/notifications", () => {
  const secret = "a-client-state-of-some-length";
  const note = (clientState: string) => ({ subscriptionId: "s-1", clientState, changeType: "updated", resource: "sites/x/lists/y", tenantId: "t" });

  it("echoes a validation token as text, and refuses a malformed one", async () => {
    const ok = new HttpRequest({ method: "POST", url: "http://127.0.0.1:7071/api/notifications?validationToken=Validation%3A%20Testing" });
    expect(await notificationsHandler(ok, invocation("notifications").context, secret)).toEqual({ status: 200, headers: { "content-type": "text/plain" }, body: "Validation: Testing" });
    const bad = new HttpRequest({ method: "POST", url: "http://127.0.0.1:7071/api/notifications?validationToken=%3Cscript%3E%0A" });
    expect(await notificationsHandler(bad, invocation("notifications").context, secret)).toMatchObject({ status: 400 });
  });

  it("queues the notifications with our clientState and logs the others, answering 202 at once", async () => {
    const { context, lines } = invocation("notifications");
    const answer = await notificationsHandler(post("notifications", JSON.stringify({ value: [note(secret), note("guess")] })), context, secret);
    expect(answer).toEqual({ status: 202 });
    expect(context.extraOutputs.get(listChangesOutput)).toMatchObject([{ subscriptionId: "s-1" }]);
    expect(lines.map((l) => [l.level, l.line.subscriptionId])).toEqual([["warning", "s-1"]]);
    expect(await notificationsHandler(post("notifications", "not json"), invocation("notifications").context, secret)).toEqual({ status: 400, body: "The body is not JSON" });
  });
});

describe("POST /api/forms/referral", () => {
  const submission = { responseId: "17", submittedAt: "2026-11-23T09:12:00Z", responder: "senco@oakfield.example", answers: { requestType: "Partnership referral" } };

  it("refuses a body that is not a Forms envelope without calling the intake", async () => {
    let called = false;
    const answer = await referralIntakeHandler(post("forms/referral", "{}"), invocation("referralIntake").context, async () => ((called = true), { status: 202, caseRef: "LNCIP-2026-0042" }));
    expect(answer.status).toBe(400);
    expect(called).toBe(false);
  });

  it("answers the intake's outcome: the case reference, every problem by question, or retry later", async () => {
    const { context, lines } = invocation("referralIntake");
    const accepted = await referralIntakeHandler(post("forms/referral", JSON.stringify(submission)), context, async (s: FormsSubmission) => (expect(s.responseId).toBe("17"), { status: 202, caseRef: "LNCIP-2026-0042" }));
    expect(accepted).toEqual({ status: 202, jsonBody: { caseRef: "LNCIP-2026-0042" } });
    expect(lines.map((l) => l.line)).toMatchObject([{ caseRef: "LNCIP-2026-0042", responseId: "17", status: 202 }]);
    const problems = [{ question: "Year group", message: "Please choose Year 7 to 11." }];
    expect(await referralIntakeHandler(post("forms/referral", JSON.stringify(submission)), invocation("referralIntake").context, async () => ({ status: 422, problems }))).toEqual({ status: 422, jsonBody: { problems } });
    expect(await referralIntakeHandler(post("forms/referral", JSON.stringify(submission)), invocation("referralIntake").context, async () => ({ status: 503, retryAfterSeconds: 5 }))).toMatchObject({ status: 503, headers: { "retry-after": "5" } });
  });
});
