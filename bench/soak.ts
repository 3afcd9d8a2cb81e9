import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { startLocalSystem, type LocalSystem } from "../sandbox/localSystem";
import type { MailArea } from "../sandbox/graph/areas/mail";
import type { SitesArea } from "../sandbox/graph/areas/sites";
import type { SubscriptionsArea } from "../sandbox/graph/areas/subscriptions";
import { defaultKeys } from "../sandbox/host/host";
import { demoCoreGroup, demoSchools, demoSite, demoStaff, playgroundUsers } from "../sandbox/demo/demoTenant";
import { startTestPlayground as startPlaygroundDriver } from "../sandbox/playgroundDriver";
import type { CalendarArea } from "../sandbox/graph/areas/calendar";
import { toListFields, meetingsList } from "../src/domain/lists";
import { addDays, addSchoolDays, londonDay, schoolCalendarFor, shippedCalendars } from "../src/domain/calendar";
import { cardAddress, coreGroupCard, decideInTeams, recordForumOutcome } from "./soak/panelPresses";
import { channelHijacks, endpointInputs, forgedEdit, intakeFlood, pressFromAnotherTenant, type ForgeryPorts, type Tally } from "./soak/badInputs";
import { attendanceWeek, markingProvider } from "./soak/attendanceWeek";
import { inParallel, range, retrying, until } from "./soak/support";
import { anonymousForumDiscussion, namedForumDiscussion, namedReferralAfterForum, pathOf, secondReferral, type Envelope } from "./soak/referrals";
import { submitThroughReferralInbox } from "../sandbox/demo/referralInboxFlow";

/**
 * `npm run soak`: many cases end to end while the Graph sandbox misbehaves (429/503 storms, 5xx, 412 conflicts,
 * duplicate and lost notifications, an expired delta token) and the app's host is killed and started again
 * midway. At the end it counts what was lost or doubled — each must be 0 — and the bad inputs tried and refused
 * (bench/soak/badInputs.ts: malformed, forged and over-large requests to every endpoint, one person flooding the
 * intake past the daily quota, channel choices and a card press from another team, tenant or role, and forged edits
 * in SharePoint by people whose role does not allow them, each put back), prints them and writes bench/soak.json.
 *
 * Stages, as people do them: a school asks for an Inclusion Forum discussion of a named pupil — or, for one case in
 * four, of a pupil it cannot name yet (an anonymous discussion, from a form that branches); the coordinator
 * schedules it for the Inclusion Forum (the app puts it on a forum with room and invites the school); the
 * forum's agenda card in the Agents Playground's Inclusion Forum channel, where the forum records each case's
 * outcome ("Refer to Partnership"); a named case back into triage as a Partnership referral, an anonymous one
 * followed by the school's named Partnership referral giving the forum's case (a new case; the coordinator closes
 * the forum's); ready for Core Group (the card in the Core Group channel); the decision — for one case in four
 * given in Teams (three members' views, then the chair's press), for the rest typed into SharePoint —; some pupils
 * whose case the coordinator then closes referred again (a new case naming the first); for the Programme Management
 * cases that got a place, the coordinator starting the placement (its review series in Outlook); then a week of
 * attendance for every placed pupil: the provider's session marks through the marks endpoint each morning and
 * afternoon, and the attendance timer's rounds for each day (one of them dying halfway and run again).
 *
 * The attendance rounds are run by this process with the app's own wiring (the function's `attendanceRoundPorts`
 * and `runDueAttendanceRounds`) against the same storage and Graph sandbox, at each day's 10:10 and 16:40 UK time:
 * the host's timer runs on the real clock, and the placements start next week.
 *
 * Options: `--route standard` brings the referrals in as the standard-licence flow does (an item in the ReferralInbox
 * list, one in ten left twice as a retried flow run would), instead of the HTTP route (Premium); `--tenant strict`
 * runs the Graph sandbox as a strict tenant (no list subscriptions: the app polls; no Sent Items: an interrupted
 * email is parked; no Teams licence on the mailbox: reviews wait for Teams), so the fallbacks are soaked too.
 *
 * Usage: npm run soak [-- --cases 500] [--route standard|http] [--tenant strict|default]
 */

interface SoakReport {
  cases: number;
  route: "standard" | "http";
  tenant: "strict" | "default";
  durationSeconds: number;
  faults: string[];
  hostKilledAt: string;
  lost: { submissions: number; decisions: number; forumOutcomes: number; attendanceDigests: number; referralsAfterForum: number; secondReferrals: number };
  duplicates: { cards: number; events: number; emails: number; caseItems: number; decisionRows: number };
  /** Bad inputs tried, and refused having changed nothing: endpoints, a flood, hijacks of the bot, forged edits. */
  inputs: { tried: number; refused: number };
  /** One responder's flood: accepted under the daily quota (each must become a case, still received), one refused. */
  flood: { accepted: number; casesReceived: number; refusedWritten: number };
  inclusionForum: { meetings: number; agendasPosted: number; outcomesRecorded: number };
  /** Anonymous forum discussions (from a branching form) followed by a named referral giving the forum's case. */
  forumThenReferral: { anonymousDiscussions: number; namedReferrals: number; newCasesNamingTheForum: number };
  /** Pupils referred again after their first case closed: a new case naming the first. */
  referredAgain: { firstCasesClosed: number; referrals: number; newCasesNamingTheFirst: number };
  teams: { decisions: number; cardsPosted: number };
  attendance: { days: string[]; placedPupils: number; marksRecorded: number; digestsExpected: number; digestsReceived: number; roundsKilled: number };
  reviews: { placementsStarted: number; waitingForPlace: number; waitingForTeams: number; reviewEvents: number };
  /** Strict tenant: interrupted emails parked for a person (Sent Items refused), each named to the Coordinator. */
  parkedEmails: number;
  /** What the deep health check named as degraded at the end. */
  degraded: string[];
  graphRequests: { total: number; throttledOrFailed: number };
  /** A few of the repeated emails, by subject (case references only), to find where they came from. */
  duplicateEmailSamples: string[];
}

const args = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const CASES = arg("cases", 500);
const option = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
  const i = args.indexOf(`--${name}`);
  const value = i >= 0 ? args[i + 1] : fallback;
  if (!allowed.includes(value as T)) throw new Error(`--${name}: expected ${allowed.join(" or ")}, not "${value}"`);
  return value as T;
};
// Twelve demo schools send the soak's ~700 submissions (at 500 cases) in one day, each school's from its SENCO: about
// 60 a person and a school, over the daily quotas a tenant keeps (25 a person, 50 a school), which the soak is not
// about. So it runs with 100 a person — above its own SENCOs' ~60 — and 10,000 a school (the most the setting takes);
// among its bad inputs one other person at a partner school floods the intake with 101 submissions in the day: the
// 101st must be refused (429), the 100 accepted become cases like any other.
const FLOOD_LIMIT = 100;
const SOAK_QUOTAS = { INTAKE_DAILY_LIMIT_PER_RESPONDER: String(FLOOD_LIMIT), INTAKE_DAILY_LIMIT_PER_SCHOOL: "10000" };
const ROUTE = option("route", ["http", "standard"] as const, "http");
const TENANT = option("tenant", ["default", "strict"] as const, "default");
const CONCURRENCY = 16;
const outDir = resolve(__dirname, "..", "..", "bench");
const started = Date.now();
const log = (m: string) => process.stdout.write(`[soak ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${m}\n`);

/** Inclusion Forums the soak adds for its cases (each hears up to this many), dated the next school day. */
const FORUM_SIZE = 10;
/** The soak case whose Core Group decision a panel member first forges in SharePoint (a named case decided there). */
const FORGED_DECISION = 3;

async function main(): Promise<void> {
  const system = await startLocalSystem({ quiet: !process.env.SHOW_HOST_OUTPUT, env: { CORE_GROUP_AGENDA_SIZE: String(FORUM_SIZE), ...SOAK_QUOTAS }, tenant: TENANT });
  try {
    const report = await soak(system);
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, "soak.json"), JSON.stringify(report, null, 2) + "\n");
    print(report);
    const bad =
      Object.values(report.lost).reduce((a, b) => a + b, 0) +
      report.duplicates.emails + report.duplicates.caseItems + report.duplicates.decisionRows + report.duplicates.cards + report.duplicates.events;
    process.exitCode = bad === 0 && report.inputs.refused === report.inputs.tried ? 0 : 1;
  } finally {
    await stopPlayground();
    await system.stop();
  }
}

let stopPlayground: () => Promise<void> = async () => undefined;

async function soak(system: LocalSystem): Promise<SoakReport> {
  const graph = system.graph;
  const sites = graph.area<SitesArea>("sites");
  const mail = graph.area<MailArea>("mail");
  const siteId = sites.siteIdByPath(demoSite.hostname, demoSite.path);
  const casesItems = () => sites.items(siteId, "Cases");
  // Exchange's 30-a-minute limit would stretch thousands of emails over hours; the attendance tests and the bench cover pacing.
  mail.limitPerMinute = 0;

  if (TENANT === "strict") {
    // Refused: the app falls back to polling and says so in the deep health check.
    let polling = false;
    await until("the app polling the lists", () => polling, 60_000, async () => {
      polling = (await deepHealth(system)).degraded.includes("listSubscriptions");
    });
  } else {
    await until("the app's subscriptions", () => (graph.area<SubscriptionsArea>("subscriptions").dump() as { subscriptions: unknown[] }).subscriptions.length >= 5, 60_000);
  }

  // --- Inclusion Forums with room for every case, on the next school day (their agendas are due at once) ----------
  const calendar = schoolCalendarFor(shippedCalendars.leicestershire!);
  const today = londonDay(new Date());
  let forumDay: string;
  try {
    forumDay = addSchoolDays(calendar, today, 1);
  } catch {
    forumDay = addDays(today, 1); // past the shipped term dates: any later day will do for the soak
  }
  const forums = Array.from({ length: Math.ceil(CASES / FORUM_SIZE) + 3 }, (_, i) => `IF-SOAK-${String(i + 1).padStart(3, "0")}`);
  forums.forEach((key, i) => sites.addItem(siteId, "Meetings", toListFields(meetingsList, { MeetingKey: key, Kind: "inclusionForum", Date: forumDay, StartTime: `${String(8 + Math.floor(i / 12)).padStart(2, "0")}:${String((i % 12) * 5).padStart(2, "0")}`, AgendaSize: FORUM_SIZE }), "coordinator@lncip.example"));

  const faults = [
    { route: "/\\/v1\\.0\\/sites\\//", kind: "429", rate: 0.05, retryAfterSeconds: 1 },
    { route: "/\\/v1\\.0\\/sites\\//", kind: "503", rate: 0.03, retryAfterSeconds: 1 },
    { route: "/\\/v1\\.0\\/sites\\//", kind: "500", rate: 0.01 },
    { route: "/^PATCH .*\\/items\\/\\d+\\/fields$/", kind: "412", count: 25 },
    { route: "/sendMail$/", kind: "429", rate: 0.04, retryAfterSeconds: 1 },
    { kind: "duplicateNotification", rate: 0.2 },
    { kind: "lostNotification", rate: 0.05 },
    { kind: "expiredDelta", count: 1 },
  ] as const;
  for (const f of faults) graph.faults.add({ ...f });
  log(`${CASES} cases by the ${ROUTE} route, a ${TENANT} tenant, ${forums.length} Inclusion Forums on ${forumDay}; faults: ${faults.map((f) => `${f.kind}${"rate" in f ? ` ${f.rate * 100}%` : ` ×${f.count}`}`).join(", ")}`);

  // --- Teams: the Agents Playground against the app's bot, both panels' channels chosen by a coordinator ----------
  const playground = await startPlaygroundDriver(`${system.host.url}/api/messages`);
  stopPlayground = () => playground.stop();
  await playground.chooseChannel("Core Group");
  await playground.chooseChannel("Inclusion Forum");

  const referral = (i: number) => (pathOf(i) === "anonymousForumThenReferral" ? anonymousForumDiscussion(i) : namedForumDiscussion(i));

  // --- Inputs that must be refused (and change nothing): the endpoints' malformed, forged and over-large requests,
  //     a flood of submissions from one person, and channel choices from another team, tenant or role ------------
  const inputs: Tally = await endpointInputs(system, sites, siteId, log);
  const flood = await intakeFlood(system, FLOOD_LIMIT, inputs, log);
  await channelHijacks(system, playground, inputs, log);
  if (ROUTE === "standard") {
    // The standard route has no HTTP answer: a refused response is answered by email, and its item kept, marked.
    const bad = { ...referral(999_998), responseId: "soak-bad-inbox", responder: "t.hughes@brookside.example" };
    submitThroughReferralInbox(graph, { ...bad, answers: { ...bad.answers, "pupil.upn": "A123" } });
    inputs.tried++;
    const told = () => mail.inbox("t.hughes@brookside.example").some((m) => / could not be accepted$/.test(m.subject));
    const marked = () => sites.items(siteId, "ReferralInbox").some((item) => item.fields.Title === "soak-bad-inbox" && item.fields.InboxStatus === "Refused");
    await until("the refused ReferralInbox response answered by email and marked", () => told() && marked(), 120_000, () => nudge(system, ["listPolling", "referralInboxSweep"])).catch(() => undefined);
    if (told() && marked() && !casesItems().some((c) => c.fields.ResponseId === "soak-bad-inbox")) inputs.refused++;
    else log("NOT refused: a ReferralInbox response with an invalid UPN");
  }
  log(`bad inputs: ${inputs.refused} of ${inputs.tried} refused`);

  // --- Referrals in (one in ten sent twice, as Power Automate retries do) ---------------------------------------
  const accepted = new Map<string, string>(); // responseId → caseRef
  const caseOf: string[] = []; // submission i → its case
  if (ROUTE === "standard") {
    // The flow's SharePoint "Create item": the app takes each item from the ReferralInbox (notified, or polled).
    for (const i of range(CASES)) for (let copy = 0; copy < (i % 10 === 0 ? 2 : 1); copy++) submitThroughReferralInbox(graph, referral(i));
    const casesFor = (responseId: string) => casesItems().filter((c) => c.fields.ResponseId === responseId);
    await until("every response in the ReferralInbox taken as a case", () => range(CASES).every((i) => casesFor(referral(i).responseId).length > 0), 600_000, () => nudge(system, ["listPolling", "referralInboxSweep", "caseIntakeSweep"]));
    for (const i of range(CASES)) {
      const made = casesFor(referral(i).responseId);
      if (made.length !== 1) throw new Error(`Referral ${i} made ${made.length} cases`);
      accepted.set(referral(i).responseId, String(made[0]!.fields.Title));
      caseOf[i] = String(made[0]!.fields.Title);
    }
    await until("the ReferralInbox emptied", () => sites.items(siteId, "ReferralInbox").filter((item) => item.fields.InboxStatus !== "Refused").length === 0, 300_000, () => nudge(system, ["listPolling", "referralInboxSweep"]));
  } else {
    await inParallel(range(CASES), CONCURRENCY, async (i) => {
      const body = referral(i);
      for (let copy = 0; copy < (i % 10 === 0 ? 2 : 1); copy++) {
        const res = await retrying(() => fetch(`${system.host.url}/api/forms/referral`, { method: "POST", headers: { "content-type": "application/json", "x-functions-key": defaultKeys.functionKey }, body: JSON.stringify(body) }));
        if (res.status !== 202 && res.status !== 200) throw new Error(`Referral ${i} answered ${res.status}: ${await res.text()}`);
        const { caseRef } = (await res.json()) as { caseRef: string };
        if (accepted.has(body.responseId) && accepted.get(body.responseId) !== caseRef) throw new Error(`Referral ${i} got two references`);
        accepted.set(body.responseId, caseRef);
        caseOf[i] = caseRef;
      }
    });
  }
  log(`${accepted.size} referrals accepted (${ROUTE} route; ${range(CASES).filter((i) => pathOf(i) === "anonymousForumThenReferral").length} anonymous forum discussions)`);

  const refs = [...accepted.values()];
  const indexOf = new Map(caseOf.map((ref, i) => [ref, i]));
  const coordinator = coordinatorClient(sites, siteId);
  const forgery: ForgeryPorts = { sites, siteId, mail, coordinatorEmail: demoStaff.coordinator, meanwhile: () => nudge(system) };
  await until("every case written to the Cases list", () => refs.every((r) => casesItems().some((c) => c.fields.Title === r)), 240_000);
  const itemOf = (ref: string) => casesItems().find((c) => c.fields.Title === ref);
  const versionOf = (ref: string) => Number(itemOf(ref)?.fields.WorkflowVersion ?? -1);
  const step = async (ref: string, fields: Record<string, unknown>, version: number, alsoDone: () => boolean = () => true) => {
    await coordinator.patch(itemOf(ref)!.id, fields);
    await until(`${ref} at version ${version}`, () => versionOf(ref) >= version && alsoDone(), 300_000, () => nudge(system));
  };
  /** A later Referral Form through the intake endpoint (retried as the flow does), once its case is in the Cases list. */
  const refer = async (body: Envelope): Promise<string> => {
    const res = await retrying(() => fetch(`${system.host.url}/api/forms/referral`, { method: "POST", headers: { "content-type": "application/json", "x-functions-key": defaultKeys.functionKey }, body: JSON.stringify(body) }));
    if (res.status !== 202 && res.status !== 200) throw new Error(`${body.responseId} answered ${res.status}: ${await res.text()}`);
    const { caseRef } = (await res.json()) as { caseRef: string };
    accepted.set(body.responseId, caseRef);
    await until(`${caseRef} written to the Cases list`, () => !!itemOf(caseRef), 300_000, () => nudge(system));
    return caseRef;
  };

  // --- The Inclusion Forum: the coordinator schedules each case (the app puts it on a forum and invites the school) ---
  await inParallel(refs, CONCURRENCY, async (ref) => {
    await step(ref, { Status: "Awaiting Inclusion Forum" }, 1, () => !!itemOf(ref)?.fields.MeetingId);
  });
  const onForum = new Map(refs.map((r) => [r, String(itemOf(r)!.fields.MeetingId)]));
  log(`${onForum.size} cases on ${new Set(onForum.values()).size} Inclusion Forums; posting the agendas`);
  const nudgeAgendas = () => nudge(system, ["coreGroupReminders"]);
  await runTimer(system, "coreGroupReminders");

  // --- The forum records each outcome on its agenda card; the case comes back as a Partnership referral, goes to
  //     Core Group and is decided (one in four in Teams). The host is killed halfway through the decisions. ---------
  let decidedCount = 0;
  let teamsDecisions = 0;
  let outcomesRecorded = 0;
  let hostKilledAt = "";
  const decided = new Map<string, string>(); // caseRef → outcome label typed
  const afterForum = new Map<string, string>(); // an anonymous forum case → the named referral that followed it
  await inParallel(refs, CONCURRENCY, async (ref) => {
    const i = indexOf.get(ref)!;
    await recordForumOutcome(playground, ref, onForum.get(ref)!, "referToPartnership", () => versionOf(ref) >= 2, nudgeAgendas);
    outcomesRecorded++;
    // A named case is taken on as the referral; after an anonymous discussion the school sends a named referral giving
    // the forum's case (a new case), and the coordinator closes the forum's.
    let target = ref;
    if (pathOf(i) === "anonymousForumThenReferral") {
      target = await refer(namedReferralAfterForum(i, ref));
      afterForum.set(ref, target);
      await step(ref, { Status: "Closed" }, 3);
    }
    const base = versionOf(target);
    await step(target, { Status: "In triage" }, base + 1);
    await step(target, { Status: "Ready for Core Group" }, base + 2);
    if (i === 0) {
      // Before the panel decides, someone in another tenant presses the card's "Record decision" (with the chair's ids).
      const { card, round } = await coreGroupCard(playground, target, () => nudge(system));
      await pressFromAnotherTenant(system, playground, cardAddress(card), { caseRef: target, round }, () => versionOf(target) === base + 2 && itemOf(target)?.fields.WorkflowStatus === "Ready for Core Group", inputs, log);
    }
    if (i === FORGED_DECISION) {
      // A Core Group member (the head of the pupil's school, who also sits on the Inclusion Forum) types a decision
      // into the case in SharePoint: only the chair, or a Coordinator naming the chair, records one. Put back first.
      const school = demoSchools[i % demoSchools.length]!;
      const head = { id: playgroundUsers[3]!.entraObjectId, email: demoCoreGroup[3]!.email, displayName: `Head of ${school.SchoolName}` };
      await forgedEdit(forgery, "a Core Group member types the Core Group's decision", target, { CoreGroupOutcome: "Managed move / fresh start support", DecidedAt: new Date().toISOString(), DecidedBy: head.email }, head, "notPermitted", inputs, log, ["Status", "WorkflowStatus", "WorkflowVersion", "CoreGroupOutcome", "DecidedAt", "DecidedBy"]);
    }
    if (i % 4 === 0) {
      decided.set(target, "Partnership in-school support");
      await decideInTeams(playground, target, () => versionOf(target) >= base + 3, () => nudge(system));
      teamsDecisions++;
    } else {
      // The Coordinator types the decision the meeting took; the app names the meeting's chair as who decided.
      const outcome = ["Partnership in-school support", "School continues with advice", "Programme Management (part-time)"][i % 3]!;
      decided.set(target, outcome);
      await step(target, { CoreGroupOutcome: outcome, DecidedAt: new Date().toISOString() }, base + 3);
    }
    decidedCount++;
    if (decidedCount === Math.floor(refs.length / 2) && !hostKilledAt) {
      hostKilledAt = `after ${decidedCount} of ${refs.length} cases were decided`;
      log(`killing the host (SIGKILL) ${hostKilledAt}`);
      await system.restartHost({ kill: true });
      log("host started again");
    }
  });
  log(`${outcomesRecorded} forum outcomes recorded in Teams; ${afterForum.size} named referrals after an anonymous discussion; ${decided.size} decisions recorded (${teamsDecisions} in Teams, the rest in SharePoint)`);

  // --- Let the backstops finish what the killed host left (claims expire after 2 minutes) ------------------------
  graph.faults.clear();
  await until("every decision in the Decisions list", () => {
    const rows = sites.items(siteId, "Decisions");
    return [...decided.keys()].every((r) => rows.some((d) => d.fields.CaseRef === r));
  }, Number(process.env.SOAK_SETTLE_MS ?? 300_000), () => nudge(system), () => {
    const rows = sites.items(siteId, "Decisions");
    return [...decided.keys()].filter((r) => !rows.some((d) => d.fields.CaseRef === r)).map((r) => `${r} ${String(itemOf(r)?.fields.WorkflowStatus)} v${String(itemOf(r)?.fields.WorkflowVersion)}`).join("; ");
  });
  await settle(system);

  // --- Some pupils referred again: the coordinator closes a case decided "school continues with advice", and the
  //     school later refers the pupil again, giving that (heard) case as the forum's: a new case naming it ----------
  for (const f of faults.slice(0, 5)) graph.faults.add({ ...f });
  const firstCases = refs.filter((r) => pathOf(indexOf.get(r)!) === "namedForum" && decided.get(r) === "School continues with advice").slice(0, Math.max(2, Math.floor(CASES / 10)));
  const again = new Map<string, string>(); // first case → the pupil's new case
  await inParallel(firstCases, CONCURRENCY, async (ref) => {
    await step(ref, { Status: "Closed" }, versionOf(ref) + 1, () => itemOf(ref)?.fields.WorkflowStatus === "Closed");
    again.set(ref, await refer(secondReferral(indexOf.get(ref)!, ref)));
  });
  log(`${again.size} pupils referred again after their first case closed`);

  // --- Forged edits in SharePoint by people whose role does not allow them, on decided cases nothing else touches
  //     now: each put back (the item's columns as before) and the Coordinator told, under the same faults --------
  const calm = refs.filter((r) => pathOf(indexOf.get(r)!) === "namedForum" && decided.get(r) === "Partnership in-school support" && !again.has(r) && indexOf.get(r) !== FORGED_DECISION);
  const forum4 = { id: playgroundUsers[4]!.entraObjectId, email: "forum4@lncip.example", displayName: "Patti Fernandez" };
  const head1 = { id: playgroundUsers[1]!.entraObjectId, email: demoCoreGroup[1]!.email, displayName: `Head of ${demoSchools[1]!.SchoolName}` };
  const forgeries: [string, Record<string, unknown>, string | { id: string; email: string; displayName: string }, "notPermitted" | "workflowColumnsRestored"][] = [
    ["an Inclusion Forum member types an Inclusion Forum override", { IfOverrideReason: "The forum agreed this pupil should skip the forum" }, forum4, "notPermitted"],
    ["a Core Group member rolls the workflow's status and version back", { WorkflowStatus: "Ready for Core Group", WorkflowVersion: 1 }, head1, "workflowColumnsRestored"],
    ["the partnership SENCO types who decided", { DecidedBy: "The whole Core Group" }, demoStaff.senco, "workflowColumnsRestored"],
    ["a school's DSL, whom the lists do not name, closes the case", { Status: "Closed" }, `dsl@${demoSchools[0]!.EmailDomain}`, "notPermitted"],
  ];
  // And a case's very first edit: one of the flood's cases, received and never edited since the intake wrote it.
  const fresh = [...flood.accepted.values()][0]!;
  await until(`${fresh} written to the Cases list`, () => !!itemOf(fresh), 120_000, () => nudge(system));
  const head2 = { id: playgroundUsers[2]!.entraObjectId, email: demoCoreGroup[2]!.email, displayName: `Head of ${demoSchools[2]!.SchoolName}` };
  await Promise.all([
    ...forgeries.slice(0, calm.length).map(([what, fields, by, told], n) => forgedEdit(forgery, what, calm[n]!, fields, by, told, inputs, log)),
    forgedEdit(forgery, "a Core Group member's first edit of a new case sets its workflow status and version", fresh, { WorkflowStatus: "Decided", WorkflowVersion: 5 }, head2, "workflowColumnsRestored", inputs, log),
  ]);
  log(`forged edits tried on ${Math.min(calm.length, forgeries.length)} decided case(s) and a new one; bad inputs so far: ${inputs.refused} of ${inputs.tried} refused`);

  // --- A coordinator starts each placement set up: its review series goes into the partnership's calendar ----------
  const placements = () => sites.items(siteId, "Placements");
  await until("the placements set up", () => placements().length > 0, 120_000, () => nudge(system));
  const setUp = placements().filter((p) => p.fields.PlacementStatus === "Setting up");
  const perCase = new Map<string, number>();
  for (const p of placements()) perCase.set(String(p.fields.Title), (perCase.get(String(p.fields.Title)) ?? 0) + 1);
  log(`placements set up: ${placements().length} (${[...perCase].filter(([, n]) => n > 1).map(([r, n]) => `${r}×${n}`).join(", ") || "one per case"})`);
  await inParallel(setUp, CONCURRENCY, async (p) => coordinator.patch(p.id, { PlacementStatus: "Active" }, "Placements"));
  const startedRefs = setUp.map((p) => String(p.fields.Title ?? p.fields.CaseRef));
  const reviewed = (r: string) => sites.items(siteId, "Reviews").some((rv) => rv.fields.CaseRef === r && rv.fields.EventId);
  // Two decisions at the same moment can set up one placement more than there are places: that one waits for a
  // place (the Coordinator is told why), and is counted below rather than taken for a failure.
  const waitsForPlace = (r: string) => mail.inbox(demoStaff.coordinator).some((m) => m.subject.startsWith(`${r}: the placement could not start`) && /place is taken/.test(m.body.content));
  // A strict tenant's mailbox has no Teams licence: the placement starts, and its reviews wait for Teams (no review
  // without a link; the Coordinator told once).
  const waitsForTeams = (r: string) => TENANT === "strict" && itemOf(r)?.fields.WorkflowStatus === "In placement" && !reviewed(r);
  await until("every started placement's reviews in Outlook", () => startedRefs.every((r) => reviewed(r) || waitsForPlace(r) || waitsForTeams(r)), Number(process.env.SOAK_SETTLE_MS ?? 180_000), () => nudge(system), () =>
    startedRefs.filter((r) => !reviewed(r)).map((r) => `${r}: placement ${String(placements().find((p) => p.fields.Title === r)?.fields.PlacementStatus)}, case ${String(itemOf(r)?.fields.WorkflowStatus)}${mail.inbox(demoStaff.coordinator).filter((m) => m.subject.startsWith(`${r}: the placement could not start`)).map((m) => ` — told: ${m.body.content.replace(/<[^>]+>/g, " ")}`).join("")}`).join("; "),
  );
  log(`${setUp.length} placement(s) started; ${sites.items(siteId, "Reviews").length} review(s) in the Reviews list`);
  await settle(system);

  // --- A week of attendance for every placed pupil, under throttling and 5xx, one round dying halfway -------------
  const placed = placements()
    .filter((p) => p.fields.PlacementStatus === "Active" && startedRefs.includes(String(p.fields.Title)))
    .map((p) => ({ caseRef: String(p.fields.Title), schoolUrn: String(itemOf(String(p.fields.Title))?.fields.SchoolUrn), startDate: String(p.fields.StartDate), providerId: markingProvider(p.fields.Pattern) }));
  graph.faults.add({ route: "/sendMail$|\\/\\$batch$/", kind: "429", rate: 0.1, retryAfterSeconds: 1 });
  const week = await attendanceWeek(system, mail, placed, log);
  graph.faults.clear();
  await settle(system);

  // --- Count what was lost or doubled --------------------------------------------------------------------------
  const items = casesItems();
  const titles = items.map((c) => String(c.fields.Title));
  const allRefs = [...new Set(accepted.values())];
  // The flood: its accepted submissions are cases like any (lost if not written), left received; the refused one
  // must have been written nowhere.
  const floodRefs = [...new Set(flood.accepted.values())];
  const floodReceived = floodRefs.filter((r) => items.find((c) => c.fields.Title === r)?.fields.WorkflowStatus === "Received").length;
  const refusedWritten = items.filter((c) => c.fields.ResponseId === flood.refusedResponseId).length;
  if (refusedWritten > 0) {
    inputs.refused--;
    log(`NOT refused: the flood's refused submission ${flood.refusedResponseId} was written as a case`);
  }
  const decisionRows = sites.items(siteId, "Decisions").filter((d) => allRefs.includes(String(d.fields.CaseRef)));
  const mailboxes = mail.dump() as { address: string; inbox: { subject: string }[] }[];
  let duplicateEmails = 0;
  const duplicateSamples: string[] = [];
  for (const box of mailboxes) {
    const seen = new Map<string, number>();
    // Emails the app sent; meeting requests and cancellations are Outlook's (a case's reviews share a subject, and an
    // event re-invites its attendees when one is added), and review events are counted on the calendar instead.
    for (const m of mail.inbox(box.address)) if (!m.meetingMessageType) seen.set(m.subject, (seen.get(m.subject) ?? 0) + 1);
    for (const [subject, count] of seen) {
      if (count <= 1 || /your change was not applied/.test(subject)) continue;
      duplicateEmails += count - 1;
      if (duplicateSamples.length < 8) duplicateSamples.push(`${count}× "${subject}" to ${box.address}`);
    }
  }
  // A decided case is past Core Group (the first cases of pupils referred again were closed after their decision).
  const pastCoreGroup = (ref: string) => [...["Decided", "Awaiting PO", "Waiting list", "In placement"], ...(again.has(ref) ? ["Closed"] : [])].includes(String(itemOf(ref)?.fields.WorkflowStatus));
  const lostDecisions = [...decided].filter(([ref, label]) => !decisionRows.some((d) => d.fields.CaseRef === ref && d.fields.Outcome === label) || !pastCoreGroup(ref)).length;
  const lostForumOutcomes = refs.filter((r) => itemOf(r)?.fields.InclusionForumOutcome !== "Refer to Partnership").length;
  // Cards: each case's card is posted once (createMessage) however often its effects ran; updates are not posts.
  const created = playground.events.filter((e) => (e as { action?: string }).action === "createMessage").map((e) => JSON.stringify(e));
  let duplicateCards = 0;
  let cardsPosted = 0;
  for (const ref of decided.keys()) {
    const posts = created.filter((e) => e.includes(`Core Group: ${ref}"`)).length;
    if (posts > 0) cardsPosted++;
    if (posts > 1) duplicateCards += posts - 1;
  }
  // Agendas: one post per forum, told apart by the forum's date and time on the card (an empty agenda has no buttons).
  const agendaPosts = new Map<string, number>();
  for (const e of created) {
    const forum = /Inclusion Forum, \w+ \d+ \w+ \d{4}, \d\d:\d\d/.exec(e)?.[0];
    if (forum && e.includes("Inclusion Forum agenda")) agendaPosts.set(forum, (agendaPosts.get(forum) ?? 0) + 1);
  }
  const agendasPosted = agendaPosts.size;
  for (const n of agendaPosts.values()) duplicateCards += n - 1;
  // Events: one live event per review and per meeting (subject and start), whatever was retried.
  const calendarDump = (graph.area<CalendarArea>("calendar").dump() as Record<string, { subject: string; start: string; cancelled: boolean }[]>)[demoStaff.partnership] ?? [];
  const live = calendarDump.filter((e) => !e.cancelled).map((e) => `${e.subject}|${e.start}`);
  const requests = graph.requests;
  const parkedEmails = mail.inbox(demoStaff.coordinator).filter((m) => m.subject === "Inclusion Flow: an email may not have been sent").length;
  const degraded = (await deepHealth(system)).degraded;
  return {
    cases: CASES,
    route: ROUTE,
    tenant: TENANT,
    parkedEmails,
    degraded,
    durationSeconds: Math.round((Date.now() - started) / 1000),
    faults: faults.map((f) => JSON.stringify(f)),
    hostKilledAt,
    lost: {
      submissions: [...allRefs, ...floodRefs].filter((r) => !titles.includes(r)).length,
      decisions: lostDecisions,
      forumOutcomes: lostForumOutcomes,
      attendanceDigests: week.lost,
      // Each named referral after an anonymous discussion is a case of its own that names the forum's case.
      referralsAfterForum: [...afterForum].filter(([forum, ref]) => itemOf(ref)?.fields.PreviousIfCase !== forum || itemOf(ref)?.fields.Named !== true).length,
      // Each pupil referred again has a new case naming the first, and one open case at most.
      secondReferrals: [...again].filter(([first, ref]) => ref === first || itemOf(ref)?.fields.PreviousCaseRef !== first || items.filter((c) => c.fields.Upn === itemOf(first)?.fields.Upn && !["Closed", "Withdrawn"].includes(String(c.fields.WorkflowStatus))).length !== 1).length,
    },
    duplicates: {
      cards: duplicateCards,
      events: live.length - new Set(live).size,
      emails: duplicateEmails,
      caseItems: titles.length - new Set(titles).size,
      decisionRows: decisionRows.length - new Set(decisionRows.map((d) => String(d.fields.CaseRef))).size,
    },
    inputs,
    flood: { accepted: flood.accepted.size, casesReceived: floodReceived, refusedWritten },
    inclusionForum: { meetings: new Set(onForum.values()).size, agendasPosted, outcomesRecorded: refs.length - lostForumOutcomes },
    forumThenReferral: {
      anonymousDiscussions: refs.filter((r) => pathOf(indexOf.get(r)!) === "anonymousForumThenReferral").length,
      namedReferrals: afterForum.size,
      newCasesNamingTheForum: [...afterForum].filter(([forum, ref]) => itemOf(ref)?.fields.PreviousIfCase === forum).length,
    },
    referredAgain: { firstCasesClosed: firstCases.filter((r) => itemOf(r)?.fields.WorkflowStatus === "Closed").length, referrals: again.size, newCasesNamingTheFirst: [...again].filter(([first, ref]) => itemOf(ref)?.fields.PreviousCaseRef === first).length },
    teams: { decisions: teamsDecisions, cardsPosted },
    reviews: { placementsStarted: startedRefs.filter(reviewed).length, waitingForPlace: startedRefs.filter((r) => !reviewed(r) && waitsForPlace(r)).length, waitingForTeams: startedRefs.filter(waitsForTeams).length, reviewEvents: live.filter((e) => !/^(Core Group|Inclusion Forum): /.test(e)).length },
    attendance: { days: week.days, placedPupils: placed.length, marksRecorded: week.marksRecorded, digestsExpected: week.digestsExpected, digestsReceived: week.digestsReceived, roundsKilled: week.roundsKilled },
    duplicateEmailSamples: duplicateSamples,
    graphRequests: { total: requests.length, throttledOrFailed: requests.filter((r) => r.status === 429 || r.status >= 500).length },
  };
}

/** The deep health check's status and the parts it names as degraded. */
async function deepHealth(system: LocalSystem): Promise<{ status: string; degraded: string[] }> {
  try {
    const res = await fetch(`${system.host.url}/api/health/deep`, { headers: { "x-functions-key": defaultKeys.functionKey } });
    const body = (await res.json()) as { status?: string; degraded?: { part: string }[] };
    return { status: body.status ?? String(res.status), degraded: (body.degraded ?? []).map((d) => d.part) };
  } catch {
    return { status: "unreachable", degraded: [] };
  }
}

/** Runs a timer function now, through the host's admin API (as `func` and the portal's "Test/Run" do). */
async function runTimer(system: LocalSystem, name: string): Promise<void> {
  await fetch(`${system.host.url}/admin/functions/${name}`, { method: "POST", headers: { "content-type": "application/json", "x-functions-key": defaultKeys.masterKey }, body: JSON.stringify({ input: "" }) }).catch(() => undefined);
}

/** Runs the timers' backstops now rather than in 10–15 minutes (the intake sweep and the list upkeep), at most every 20 s. */
const lastNudge = new Map<string, number>();
async function nudge(system: LocalSystem, timers: readonly string[] = TENANT === "strict" ? ["caseIntakeSweep", "subscriptionUpkeep", "listPolling"] : ["caseIntakeSweep", "subscriptionUpkeep"]): Promise<void> {
  const key = timers.join();
  // Polling is the strict tenant's notification: run it as often as a busy minute would, not every 20 s.
  if (Date.now() - (lastNudge.get(key) ?? 0) < (timers.includes("listPolling") ? 3_000 : 20_000)) return;
  lastNudge.set(key, Date.now());
  for (const name of timers) await runTimer(system, name);
}

/** Waits for the queues to drain and the backstops to find nothing left. */
async function settle(system: LocalSystem): Promise<void> {
  lastNudge.clear();
  await nudge(system);
  await new Promise((r) => setTimeout(r, 3_000));
}

/**
 * A coordinator editing items in SharePoint's form, as the local tenant's edit form saves them (`patchAsPerson`): the
 * item's new version names the Coordinator as its editor, which the app authorises each edit on. (An app-only Graph
 * token is the app itself: an edit made with it is no person's, and the app puts it back.)
 */
function coordinatorClient(sites: SitesArea, siteId: string): { patch(itemId: string, fields: Record<string, unknown>, list?: string): Promise<void> } {
  return {
    async patch(itemId, fields, list = "Cases") {
      sites.patchAsPerson(siteId, list, itemId, fields, demoStaff.coordinator);
    },
  };
}

function print(r: SoakReport): void {
  const rows: [string, string | number | null][] = [
    ["cases", r.cases],
    ["route, tenant", `${r.route}, ${r.tenant}`],
    ["duration (s)", r.durationSeconds],
    ["host killed", r.hostKilledAt],
    ["submissions lost", r.lost.submissions],
    ["Inclusion Forums (agendas)", `${r.inclusionForum.meetings} (${r.inclusionForum.agendasPosted} posted)`],
    ["forum outcomes in Teams", r.inclusionForum.outcomesRecorded],
    ["forum outcomes lost", r.lost.forumOutcomes],
    ["anonymous forum → referral", `${r.forumThenReferral.anonymousDiscussions} discussions, ${r.forumThenReferral.namedReferrals} named referrals, ${r.forumThenReferral.newCasesNamingTheForum} naming the forum's case`],
    ["referrals after forum lost", r.lost.referralsAfterForum],
    ["referred again", `${r.referredAgain.firstCasesClosed} first cases closed, ${r.referredAgain.referrals} referred again, ${r.referredAgain.newCasesNamingTheFirst} naming the first`],
    ["second referrals lost", r.lost.secondReferrals],
    ["decisions lost", r.lost.decisions],
    ["decided in Teams", r.teams.decisions],
    ["Core Group cards posted", r.teams.cardsPosted],
    ["placements started", r.reviews.placementsStarted],
    ["set up, waiting for a place", r.reviews.waitingForPlace],
    ["review events (live)", r.reviews.reviewEvents],
    ["placed, waiting for Teams", r.reviews.waitingForTeams],
    ["emails parked (unconfirmed)", r.parkedEmails],
    ["degraded (health check)", r.degraded.join(", ") || "none"],
    ["attendance days", r.attendance.days.join(", ")],
    ["pupils / marks recorded", `${r.attendance.placedPupils} / ${r.attendance.marksRecorded}`],
    ["digests received / expected", `${r.attendance.digestsReceived} / ${r.attendance.digestsExpected} (${r.attendance.roundsKilled} round killed and rerun)`],
    ["digests lost", r.lost.attendanceDigests],
    ["duplicate cards", r.duplicates.cards],
    ["duplicate events", r.duplicates.events],
    ["duplicate emails", r.duplicates.emails],
    ["duplicate case items", r.duplicates.caseItems],
    ["duplicate decision rows", r.duplicates.decisionRows],
    ["bad inputs refused", `${r.inputs.refused} of ${r.inputs.tried}`],
    ["flood (one responder)", `${r.flood.accepted} accepted, ${r.flood.casesReceived} cases received; the refused one written ${r.flood.refusedWritten} time(s)`],
    ["Graph requests (429/5xx)", `${r.graphRequests.total} (${r.graphRequests.throttledOrFailed})`],
  ];
  process.stdout.write("\n" + rows.map(([k, v]) => `  ${k.padEnd(26)} ${v}`).join("\n") + "\n\n  written: bench/soak.json\n");
}

void main().catch((e: unknown) => {
  process.stderr.write(`The soak failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
