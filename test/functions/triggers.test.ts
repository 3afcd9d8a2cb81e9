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
import { listPollingHandler } from "../../functions/listPolling";
import { referralInboxSweepHandler } from "../../functions/referralInbox";
import { notificationsHandler } from "../../functions/notifications";
import { referralIntakeHandler } from "../../functions/referralIntake";
import { directorsWeekHandler } from "../../functions/directorsWeek";
import { termlyStatementsHandler } from "../../functions/termlyStatements";
import { progressSummaryHandler } from "../../functions/progressSummary";
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
    expect(await attendanceMarksHandler(post("attendance/marks", "x".repeat(128 * 1024 + 1)), invocation("attendanceMarks").context, record)).toMatchObject({ status: 413, jsonBody: { error: "The request is larger than 128 KB: send at most 100 marks at once." } });
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

describe("the report timers", () => {
  it("the Director's week: nothing logged when not due; the week as a field, whether it went, and records left out by id", async () => {
    const quiet = invocation("directorsWeek");
    await directorsWeekHandler({}, quiet.context, async () => ({ kind: "notDue" }));
    expect(quiet.lines).toEqual([]);
    const { context, lines } = invocation("directorsWeek");
    await directorsWeekHandler({}, context, async () => ({ kind: "sent", weekOf: today, problems: ["Placements item 7 cannot be read (1 problem(s))"] }));
    await directorsWeekHandler({}, context, async () => ({ kind: "alreadySent", weekOf: today }));
    expect(lines.map((l) => l.line)).toMatchObject([
      { day: today, outcome: "sent", message: expect.stringMatching(/^Director's week of .*: sent; 1 record\(s\) left out: Placements item 7 cannot be read/) },
      { day: today, outcome: "alreadySent" },
    ]);
  });

  it("termly statements and the annual summary: counts only, and nothing when not due", async () => {
    const term = { academicYear: "2025/26", term: "summer" as const, first: "2026-04-13", last: "2026-07-10" };
    const { context, lines } = invocation("termlyStatements");
    await termlyStatementsHandler({}, context, async () => ({ kind: "done", term }));
    await termlyStatementsHandler({}, context, async () => ({ kind: "ran", term, sent: 5, alreadySent: 1, noFinanceContact: ["120999"], failed: 0, problems: [] }));
    expect(lines.map((l) => l.line)).toMatchObject([{ count: 5, outcome: "ran", message: "Termly statements, summer 2025/26: 5 sent, 1 already sent, 0 failed, no finance contact for 120999" }]);
    const summary = invocation("progressSummary");
    await progressSummaryHandler({}, summary.context, async () => ({ kind: "notDue" }));
    await progressSummaryHandler({}, summary.context, async () => ({ kind: "published", academicYear: "2025/26", gaps: 2, sent: true }));
    expect(summary.lines.map((l) => l.line)).toMatchObject([{ count: 2, outcome: "published", message: "Progress & Achievement summary 2025/26: saved to the Reports library, sent to the Director; 2 gap(s) to fill" }]);
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
    await dailyRoundHandler({}, context, async () => ({ day: today, schoolDay: true, reminders: 3, started: 1, charges: 4, meetingAssignments: 2, agendas: 0, waitingForTeams: 0 }));
    expect(lines.map((l) => l.line)).toMatchObject([{ day: today, outcome: "schoolDay", message: "Daily round: 3 reminder(s), 1 placement(s) started, 4 charge(s) updated, 2 meeting assignment(s), 0 agenda(s)" }]);
    const waiting = invocation("dailyRound");
    await dailyRoundHandler({}, waiting.context, async () => ({ day: today, schoolDay: true, reminders: 0, started: 0, charges: 0, meetingAssignments: 1, agendas: 0, waitingForTeams: 2 }));
    expect(waiting.messages()).toEqual(["Daily round: 0 reminder(s), 0 placement(s) started, 0 charge(s) updated, 1 meeting assignment(s), 0 agenda(s), 2 waiting for Teams"]);
    const holiday = invocation("dailyRound");
    await dailyRoundHandler({}, holiday.context, async () => ({ day: today, schoolDay: false, reminders: 0, started: 0, charges: 0, meetingAssignments: 0, agendas: 0, waitingForTeams: 0 }));
    expect(holiday.messages()).toEqual(["Daily round: not a school day"]);
  });
});

describe("GET /api/health and /api/health/deep", () => {
  it("answers ok with the partnership's code", async () => {
    expect(await healthHandler(undefined, undefined, "LNCIP")).toEqual({ status: 200, jsonBody: { status: "ok", app: "inclusion-flow", partnership: "LNCIP" } });
  });

  it("answers 503 when a dependency is down and 200 with a warning when a poison queue holds messages or a part is degraded", async () => {
    const degraded = [{ part: "listSubscriptions" as const, since: "2026-11-23T09:00:00.000Z", detail: "Graph refused change notifications (GraphError ExtensionError) on Cases: their changes are found by polling every minute" }];
    const report = (status: HealthReport["status"]): HealthReport => ({ status, checks: { storage: { ok: status !== "failing", ms: 3 }, graphToken: { ok: true, ms: 5 } }, queues: { "case-intake": { depth: 0, poison: status === "attention" ? 2 : 0 } }, degraded: status === "degraded" ? degraded : [] });
    const polling = invocation("healthDeep");
    expect(await healthDeepHandler(post("health/deep", ""), polling.context, async () => report("degraded"), "LNCIP")).toMatchObject({ status: 200, jsonBody: { status: "degraded", degraded } });
    expect(polling.lines.map((l) => [l.level, l.line.outcome])).toEqual([["warning", "degraded"]]);
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
    await listChangesHandler(message, round.context, async (m) => (expect(m).toEqual(message), { kind: "round", report: { list: "Cases", skipped: false, restarted: true, seen: 3, handled: 1, parked: 0 } }));
    expect(round.lines.map((l) => l.line)).toMatchObject([{ count: 1, message: "Cases: 3 changed item(s), 1 handled (delta restarted)" }]);
    const parked = invocation("listChanges");
    await listChangesHandler(message, parked.context, async () => ({ kind: "round", report: { list: "Cases", skipped: false, restarted: false, seen: 3, handled: 2, parked: 1 } }));
    expect(parked.lines.map((l) => [l.level, l.line.message])).toEqual([["warning", "Cases: 3 changed item(s), 2 handled, 1 parked (tried again later)"]]);
    const renewed = invocation("listChanges");
    await listChangesHandler({ ...message, lifecycleEvent: "reauthorizationRequired" }, renewed.context, async () => ({ kind: "reauthorized", list: "Placements" }));
    expect(renewed.messages()).toEqual(["Reauthorized the subscription for Placements"]);
    const unknown = invocation("listChanges");
    await listChangesHandler(message, unknown.context, async () => ({ kind: "unknownSubscription", subscriptionId: message.subscriptionId }));
    expect(unknown.lines.map((l) => [l.level, l.line.subscriptionId])).toEqual([["warning", message.subscriptionId]]);
  });

  it("logs what the upkeep did with the subscriptions and the leftover effects", async () => {
    const { context, messages } = invocation("subscriptionUpkeep");
    await subscriptionUpkeepHandler({}, context, async () => ({ subscriptions: [{ list: "Cases", action: "kept" }, { list: "Reviews", action: "renewed" }], polled: [], leftovers: 2, rounds: [], failures: [] }));
    expect(messages()).toEqual(["Subscriptions: Cases kept, Reviews renewed", "Carried out 2 transition(s)' effects left over from failed rounds"]);
  });

  it("says which lists are polled, and logs each failed job as an error (the others ran)", async () => {
    const { context, lines } = invocation("subscriptionUpkeep");
    await subscriptionUpkeepHandler({}, context, async () => ({
      subscriptions: [{ list: "Cases", action: "refused", error: "GraphError ExtensionError" }, { list: "Reviews", action: "failed", error: "GraphError" }],
      polled: ["Cases"],
      leftovers: 0,
      rounds: [],
      failures: [{ job: "subscription Reviews", error: "GraphError" }, { job: "Placements round", error: "RestError" }],
    }));
    expect(lines.map((l) => [l.level, l.line.message])).toEqual([
      ["information", "Subscriptions: Cases refused, Reviews failed; polled: Cases"],
      ["error", "Upkeep: subscription Reviews failed (GraphError); the other jobs ran"],
      ["error", "Upkeep: Placements round failed (RestError); the other jobs ran"],
    ]);
  });

  it("polls the refused lists: quiet when nothing changed, the handled changes when some did, each failure an error", async () => {
    const quiet = invocation("listPolling");
    await listPollingHandler({}, quiet.context, async () => ({ rounds: [{ list: "Cases", skipped: false, restarted: false, parked: 0, seen: 0, handled: 0 }], failures: [] }));
    expect(quiet.lines).toEqual([]);
    const busy = invocation("listPolling");
    await listPollingHandler({}, busy.context, async () => ({ rounds: [{ list: "Cases", skipped: false, restarted: false, parked: 0, seen: 2, handled: 2 }, { list: "ReferralInbox", skipped: false, restarted: false, parked: 0, seen: 1, handled: 1 }], failures: [{ job: "Placements round", error: "GraphError" }] }));
    expect(busy.lines.map((l) => [l.level, l.line.message, l.line.count])).toEqual([
      ["information", "Polled Cases, ReferralInbox: 3 change(s) handled", 3],
      ["error", "Polling: Placements round failed (GraphError)", undefined],
    ]);
  });
});

describe("the Referral inbox sweep", () => {
  it("is quiet when the inbox is empty, and says what it took (counts only) and what failed", async () => {
    const quiet = invocation("referralInboxSweep");
    await referralInboxSweepHandler({}, quiet.context, async () => ({ written: 0, refused: 0, waiting: 0, failed: 0 }));
    expect(quiet.lines).toEqual([]);
    const busy = invocation("referralInboxSweep");
    await referralInboxSweepHandler({}, busy.context, async () => ({ written: 2, refused: 1, waiting: 0, failed: 1 }));
    expect(busy.lines.map((l) => [l.level, l.line.message])).toEqual([
      ["information", "Referral inbox: 2 written, 1 refused, 0 waiting"],
      ["error", "Referral inbox: 1 item(s) failed; tried again next sweep"],
    ]);
  });
});

describe("POST /api/notifications", () => {
  const secret = "a-client-state-of-some-length";
  const note = (clientState: string) => ({ subscriptionId: "s-1", clientState, changeType: "updated", resource: "sites/x/lists/y", tenantId: "t" });

  it("echoes a validation token as text, and refuses a malformed one", async () => {
    const ok = new HttpRequest({ method: "POST", url: "http://127.0.0.1:7071/api/notifications?validationToken=Validation%3A%20Testing" });
    expect(await notificationsHandler(ok, invocation("notifications").context, secret)).toEqual({ status: 200, headers: { "content-type": "text/plain; charset=utf-8", "x-content-type-options": "nosniff" }, body: "Validation: Testing" });
    const bad = new HttpRequest({ method: "POST", url: "http://127.0.0.1:7071/api/notifications?validationToken=%3Cscript%3E%0A" });
    expect(await notificationsHandler(bad, invocation("notifications").context, secret)).toMatchObject({ status: 400 });
  });

  it("queues the notifications with our clientState and logs the others, answering 202 at once", async () => {
    const { context, lines } = invocation("notifications");
    const queued: ListChangeMessage[] = [];
    const answer = await notificationsHandler(post("notifications", JSON.stringify({ value: [note(secret), note("guess")] })), context, secret, async (m) => void queued.push(...m));
    expect(answer).toEqual({ status: 202 });
    expect(queued).toMatchObject([{ subscriptionId: "s-1" }]);
    expect(lines.map((l) => [l.level, l.line.subscriptionId])).toEqual([["warning", "s-1"]]);
    expect(await notificationsHandler(post("notifications", "not json"), invocation("notifications").context, secret)).toEqual({ status: 400, body: "The body is not JSON" });
  });

  it("logs one line for a POST of a thousand forged notifications, not a thousand", async () => {
    const { context, lines } = invocation("notifications");
    const forged = Array.from({ length: 1000 }, (_, i) => ({ ...note("guess"), subscriptionId: `s-${i % 7}` }));
    const queued: ListChangeMessage[] = [];
    expect(await notificationsHandler(post("notifications", JSON.stringify({ value: forged })), context, secret, async (m) => void queued.push(...m))).toEqual({ status: 202 });
    expect(lines.map((l) => [l.level, l.line.message])).toEqual([["warning", "Dropped 1000 notification(s) with a wrong clientState (subscriptions s-0, s-1, s-2 and 4 more)"]]);
    expect(queued).toEqual([]);
  });

  it("answers 202 only once the notifications are queued: a failed write fails the POST, so Graph sends again", async () => {
    const failing = async () => {
      throw new Error("storage unavailable");
    };
    await expect(notificationsHandler(post("notifications", JSON.stringify({ value: [note(secret)] })), invocation("notifications").context, secret, failing)).rejects.toThrow("storage unavailable");
  });
});

describe("every HTTP endpoint refuses an oversized body before reading it", () => {
  const huge = (bytes: number) => post("x", "", { "content-length": String(bytes) });
  it("by its Content-Length, leaving the body unread (413), and by counting when the length is absent or lies", async () => {
    const never = async () => {
      throw new Error("the workflow must not be called");
    };
    const cases: [string, (r: HttpRequest) => Promise<{ status?: number }>, number][] = [
      ["forms/referral", (r) => referralIntakeHandler(r, invocation("referralIntake").context, never), 256 * 1024],
      ["attendance/marks", (r) => attendanceMarksHandler(r, invocation("attendanceMarks").context, never), 128 * 1024],
      ["notifications", (r) => notificationsHandler(r, invocation("notifications").context, "a-client-state-of-some-length"), 1024 * 1024],
    ];
    for (const [route, handler, limit] of cases) {
      const declared = huge(50 * 1024 * 1024);
      expect((await handler(declared)).status, route).toBe(413);
      expect(declared.bodyUsed, route).toBe(false);
      const body = `{"x":"${"y".repeat(limit)}"}`;
      expect((await handler(post(route, body))).status, `${route} without Content-Length`).toBe(413);
      expect((await handler(post(route, body, { "content-length": "20" }))).status, `${route} with a lying Content-Length`).toBe(413);
      expect((await handler(post(route, "{}", { "content-length": "a lot" }))).status, `${route} with a Content-Length that is no number`).toBe(400);
    }
  });
});

describe("POST /api/forms/referral", () => {
  const submission = { responseId: "17", submittedAt: "2026-11-23T09:12:00Z", responder: "senco@oakfield.example", answers: { requestType: "Partnership referral" } };

  it("answers a submission over the daily quota with 429, Retry-After and the reason", async () => {
    const answer = await referralIntakeHandler(post("forms/referral", JSON.stringify(submission)), invocation("referralIntake").context, async () => ({ status: 429, retryAfterSeconds: 3600, message: "The partnership has received 50 referral forms for this school today." }));
    expect(answer).toEqual({ status: 429, headers: { "retry-after": "3600" }, jsonBody: { error: "The partnership has received 50 referral forms for this school today." } });
  });

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
