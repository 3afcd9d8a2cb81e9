import { addSchoolDays, isoWeekday, isSchoolDay, londonDay, schoolCalendarFor, shippedCalendars } from "../../src/domain/calendar";
import { CENTRE_PROVIDER_ID, providerMarkingOn } from "../../src/domain/placement/providers";
import { weeklyPatternSchema } from "../../src/domain/placement/weeklyPattern";
import { PROVIDER_KEY_HEADER } from "../../src/workflows/attendance/recordMarks";
import { agendaInputId } from "../../src/domain/coreGroup";
import { meetingsList, toListFields } from "../../src/domain/lists";
import { viewPageName } from "../../src/domain/lists/views";
import type { GraphSandbox } from "../graph/server";
import type { MailArea } from "../graph/areas/mail";
import type { TestPlayground } from "../playgroundDriver";
import { demoSteps, type DemoSteps } from "./coreGroupDemo";
import { demoSchools, demoSite, demoStaff } from "./demoTenant";
import demoForumDiscussion from "./forumDiscussion.json";
import demoReferral from "./referral.json";

/**
 * The story `npm run demo` tells, one step at a time, on the local tenant and in the Agents Playground: a forum
 * discussion, a referral, triage, the Core Group card, a decision, a placement with its reviews, a day of attendance
 * and its digest, and the Director's week. Every step acts only through the app's real entry points — the Forms
 * intake endpoint, a person's edit saved as that person in the SharePoint lists, a typed command or a button pressed
 * in the Playground, the attendance endpoint, the host's admin API for a timer run on demand — then waits until the
 * app has done its part (a step that does not come true fails the demo), and says where to look.
 */

/** What the story needs around it: the running app, the sandbox, the Playground, and where each is. */
export interface StoryWorld {
  appUrl: string;
  functionKey: string;
  masterKey: string;
  graph: GraphSandbox;
  playground: TestPlayground;
  /** Issues a provider its key for the session-marks endpoint (the partnership's centre is `CENTRE_PROVIDER_ID`). */
  providerKey(providerId: string): Promise<string>;
  /** How the story speaks: a line of what happened. */
  say(line: string): void;
  /** Where to look: a label and an address (or a place in the Playground). */
  look(where: readonly (readonly [string, string])[]): void;
}

export interface StoryStep {
  title: string;
  run(world: StoryWorld, facts: StoryFacts): Promise<void>;
}

/** What later steps need from earlier ones. */
export interface StoryFacts {
  forumCase?: string;
  caseRef?: string;
  round?: string;
  /** Where in the Playground's events the Core Group card was first posted (it may be posted again after). */
  cardSince?: number;
}

interface StreamEvent {
  action: string;
  actionConversationId: string;
  message: { messageId: string; postConversationId?: string; attachments?: { content: unknown }[] };
}

const school = demoSchools[0]!; // Oakfield Academy, URN 120345
/** The Playground user who sits on the Inclusion Forum (Adele Vance; see demoPeopleRows). */
const forumMember = "user-id-2";
const calendar = schoolCalendarFor(shippedCalendars.leicestershire!);
const openOn = (day: string) => {
  try {
    return isSchoolDay(calendar, day);
  } catch {
    return false; // beyond the known term dates
  }
};

/**
 * The steps, in order.
 *
 * @example
 * for (const step of story) await step.run(world, facts);
 */
export const story: readonly StoryStep[] = [
  {
    title: "A forum discussion",
    async run(w, facts) {
      const demo = hands(w);
      const today = londonDay(new Date());
      // A forum within two school days, so its agenda card goes out now (the demo tenant's next one may be further off).
      const forumDay = addSchoolDays(calendar, today, 1);
      const forumKey = `IF-${forumDay}`;
      if (!demo.items("Meetings").some((m) => m.fields.Title === forumKey)) {
        demo.add("Meetings", toListFields(meetingsList, { MeetingKey: forumKey, Kind: "inclusionForum", Date: forumDay, StartTime: "09:30", AgendaSize: 10 }));
      }
      w.say(`The Coordinator adds an Inclusion Forum for ${forumDay} at 09:30 to the Meetings list.`);
      const forumCase = await demo.submit(demoForumDiscussion);
      facts.forumCase = forumCase;
      w.say(`${school.SchoolName} asks the forum about a Year 9 pupil, anonymously (no consent yet, so no name anywhere): ${forumCase}.`);
      await demo.editCase(forumCase, { Status: "Awaiting Inclusion Forum" }, "the forum discussion to be put on the forum's agenda");
      await demo.waitFor(`${forumCase} to be on the forum's agenda`, () => demo.caseFields(forumCase)?.MeetingId === forumKey);
      w.say(`The Coordinator sets its Status to "Awaiting Inclusion Forum": the app puts it on ${forumKey} and invites the school.`);
      const before = w.playground.events.length;
      await w.playground.chooseChannel("Inclusion Forum", "Announcements");
      w.say('In the Playground\'s Announcements channel, "@Test Bot use this channel for Inclusion Forum": the forum\'s agenda card is posted.');
      const isAgenda = (text: string) => text.includes("Inclusion Forum agenda") && text.includes(forumCase);
      await w.playground.until(() => newestPost(w, before, isAgenda), 30_000);
      // A forum member records it (Adele Vance): recording the forum's outcome is theirs alone, not the Coordinator's.
      const pressed = await pressNewest(w, before, isAgenda, forumMember, "inclusionForum.recordOutcome", { caseRef: forumCase, meetingKey: forumKey, [agendaInputId(forumCase)]: "referToPartnership" });
      if (pressed.status !== 200) throw new Error(`The Playground answered ${pressed.status} to "Record outcome"`);
      await demo.waitFor(`${forumCase}'s outcome (the press was answered: ${JSON.stringify(pressed.body).slice(0, 300)})`, () => demo.caseFields(forumCase)?.InclusionForumOutcome === "Refer to Partnership");
      w.say('At the forum, Adele Vance (a forum member, user-id-2 in the Playground) records "Refer to Partnership" on the agenda card; the school is told.');
      w.look([
        ["the agenda card", `${w.playground.url}/  › My Team › Announcements`],
        ["the case", caseUrl(w, demo, forumCase)],
        ["the Inclusion Forum view", viewUrl(w, "Cases", "Inclusion Forum")],
        ["the school's SENCO's inbox", mailboxUrl(w, school.SencoEmail)],
      ]);
    },
  },
  {
    title: "A referral",
    async run(w, facts) {
      const demo = hands(w);
      const forumCase = need(facts.forumCase, "the forum discussion");
      const caseRef = await demo.submit({ ...demoReferral, answers: { ...demoReferral.answers, previousInclusionForumCase: forumCase } });
      facts.caseRef = caseRef;
      w.say(`With the parents' consent, ${school.SchoolName} sends a Partnership referral (the Referral Form, through the Forms intake), giving ${forumCase} as the pupil's forum case: ${caseRef}.`);
      await demo.waitFor("the partnership SENCO's notice", () => inbox(w, demoStaff.senco).some((m) => m.subject.includes(caseRef)));
      w.say("The referrer is sent the case reference (and nothing else); the partnership SENCO is told there is a new referral.");
      w.look([
        ["the new case", caseUrl(w, demo, caseRef)],
        ["Cases: New", viewUrl(w, "Cases", "New")],
        ["the referrer's acknowledgement", mailboxUrl(w, school.SencoEmail)],
        ["the partnership SENCO's inbox", mailboxUrl(w, demoStaff.senco)],
      ]);
    },
  },
  {
    title: "Triage",
    async run(w, facts) {
      const demo = hands(w);
      const caseRef = need(facts.caseRef, "the referral");
      await demo.editCase(caseRef, { Status: "In triage" }, "triage", demoStaff.senco);
      w.say(`The partnership SENCO takes ${caseRef} into triage (Status "In triage", saved as ${demoStaff.senco}).`);
      await demo.editCase(caseRef, { Status: "Ready for Core Group" }, "Ready for Core Group");
      const meeting = await demo.waitFor("the case's Core Group meeting", () => demo.caseFields(caseRef)?.MeetingId as string | undefined);
      w.say(`Triage done (the forum first, evidence of plan-do-review, a PO): the Coordinator sets "Ready for Core Group". The app puts it on ${meeting}, invites the school, and keeps its card until a Core Group channel is chosen.`);
      w.look([
        ["Cases: Ready for Core Group", viewUrl(w, "Cases", "Ready for Core Group")],
        ["the Core Group meeting's invitation", calendarUrl(w, demoStaff.partnership)],
        ["the case's audit trail", `${w.graph.url}/_tenant/audit?case=${encodeURIComponent(caseRef)}`],
      ]);
    },
  },
  {
    title: "The Core Group card",
    async run(w, facts) {
      const caseRef = need(facts.caseRef, "the referral");
      const before = w.playground.events.length;
      await w.playground.chooseChannel("Core Group", "General");
      const posted = await w.playground.until(() => newestPost(w, before, isCoreGroupCard(caseRef)), 30_000);
      facts.cardSince = before;
      facts.round = /"round":"([^"]+)"/.exec(cardText(posted))?.[1];
      w.say('In the Playground\'s General channel, "@Test Bot use this channel for Core Group": the card the app kept is posted — facts by code and band, no name.');
      for (const [who, head] of [["user-id-1", demoSchools[1]!.SchoolName], ["user-id-2", demoSchools[2]!.SchoolName]] as const) {
        await pressCard(w, facts, who, "coreGroup.giveView", { outcome: "programmeManagementFullTime" }, "Your view was recorded");
        w.say(`The Head of ${head} gives a view: Programme Management (full-time).`);
      }
      // The card everyone sees (its newest post, should it have been posted again): its latest version counts both views.
      await w.playground.until(() => {
        const newest = newestPost(w, before, isCoreGroupCard(caseRef));
        return newest && cardText(events(w).filter((e) => e.message.messageId === newest.message.messageId).at(-1)!).includes("Views from 2 of the 3 schools needed.");
      }, 20_000);
      w.look([
        ["the card, updated for everyone", `${w.playground.url}/  › My Team › General`],
        ["if you reload the Playground", 'open My Team › General again: the card is posted again as it stands (or type "@Test Bot show open cases")'],
      ]);
    },
  },
  {
    title: "A decision",
    async run(w, facts) {
      const demo = hands(w);
      const caseRef = need(facts.caseRef, "the referral");
      await pressCard(w, facts, "user-id-0", "coreGroup.giveView", { outcome: "programmeManagementFullTime" }, "Your view was recorded");
      w.say(`The Head of ${school.SchoolName} (you, Alex Wilber, in the Playground) gives a view too: quorum (3 schools) is met.`);
      await pressCard(w, facts, "user-id-0", "coreGroup.recordDecision", { decision: "programmeManagementFullTime" }, "Decision recorded");
      await demo.waitFor("the Decisions row", () => demo.items("Decisions").some((d) => d.fields.CaseRef === caseRef));
      w.say("As the chair, the Head records the decision: Programme Management (full-time). The card shows it to everyone, buttons gone.");
      await demo.waitFor("the placement to be set up", () => demo.items("Placements").some((p) => p.fields.Title === caseRef));
      w.say("The PO came with the referral and a KS3 place is free: the app sets up the placement with the usual weekly pattern, tells the Coordinator, and tells the school.");
      w.look([
        ["the decided card", `${w.playground.url}/  › My Team › General`],
        ["the Decisions list", viewUrl(w, "Decisions", "Latest decisions")],
        ["Placements: Setting up", viewUrl(w, "Placements", "Setting up")],
        ["the Coordinator's inbox", mailboxUrl(w, demoStaff.coordinator)],
        ["the school's SENCO's inbox", mailboxUrl(w, school.SencoEmail)],
      ]);
    },
  },
  {
    title: "A placement with its reviews",
    async run(w, facts) {
      const demo = hands(w);
      const caseRef = need(facts.caseRef, "the referral");
      const today = londonDay(new Date());
      const placement = await demo.waitFor("the placement", () => demo.items("Placements").find((p) => p.fields.Title === caseRef));
      demo.edit("Placements", placement.id, { StartDate: today, PlacementStatus: "Active" });
      w.say(`The Coordinator checks the pattern and starts the placement today (${today}): Status "Active".`);
      await demo.waitFor("the case to be in placement", () => demo.caseFields(caseRef)?.WorkflowStatus === "In placement");
      // The series is booked one review at a time: wait until it stops growing.
      const reviewsOf = () => demo.items("Reviews").filter((r) => r.fields.CaseRef === caseRef).length;
      let seen = 0;
      let since = Date.now();
      const reviews = await demo.waitFor("the reviews", () => {
        const now = reviewsOf();
        if (now !== seen) [seen, since] = [now, Date.now()];
        return now > 0 && Date.now() - since > 1_500 && now;
      });
      w.say(`${caseRef} is "In placement"; ${reviews} review${reviews === 1 ? " is" : "s are"} booked, at least one every half term, each a Teams meeting on the partnership's calendar with the school's SENCO and the referrer.`);
      w.look([
        ["Placements: Active by school", viewUrl(w, "Placements", "Active by school")],
        ["the Reviews list", `${siteUrl(w)}/Lists/Reviews`],
        ["the review meetings", calendarUrl(w, demoStaff.partnership)],
        ["the school's SENCO's inbox", mailboxUrl(w, school.SencoEmail)],
      ]);
    },
  },
  {
    title: "A day of attendance and its digest",
    async run(w, facts) {
      const caseRef = need(facts.caseRef, "the referral");
      const today = londonDay(new Date());
      if (!openOn(today)) {
        w.say(`Today (${today}) is not a school day for ${school.SchoolName}: no register, no digest. Run the demo on a school day to see this step; skipped.`);
        return;
      }
      // Who teaches the pupil today marks the sessions, with its own provider key: a key marks only its own pupils.
      const teacher = await todaysProvider(w, caseRef, today);
      const key = await w.providerKey(teacher.id);
      const marks = [
        { caseRef, date: today, session: "AM", happened: "attended" },
        { caseRef, date: today, session: "PM", happened: "late", lateMinutes: 12 },
      ];
      const res = await fetch(`${w.appUrl}/api/attendance/marks`, { method: "POST", headers: { "content-type": "application/json", "x-functions-key": w.functionKey, [PROVIDER_KEY_HEADER]: key }, body: JSON.stringify({ marks }) });
      if (res.status !== 200) throw new Error(`The attendance endpoint answered ${res.status}: ${await res.text()}`);
      w.say(`${teacher.name}, where the pattern has the pupil today, records today's sessions through the attendance endpoint with its provider key: AM attended, PM 12 minutes late.`);
      const subject = `Daily attendance ${today}: ${school.SchoolName}`;
      const ran = await fetch(`${w.appUrl}/admin/functions/attendanceRounds`, { method: "POST", headers: { "content-type": "application/json", "x-functions-key": w.masterKey }, body: "{}" });
      if (ran.status !== 202) throw new Error(`The host did not run the attendance rounds: HTTP ${ran.status}`);
      await hands(w).waitFor("the attendance digest", () => inbox(w, school.AttendanceLeadEmail).some((m) => m.subject.startsWith(subject)));
      w.say(`The day's digest goes to ${school.SchoolName}'s attendance lead: each session, where the pupil was expected, what happened and the code the partnership suggests, with a CSV for the MIS. (The demo runs the timer on demand; in a tenant it sends at ATTENDANCE_DIGEST_TIME.)`);
      w.look([
        ["Attendance: Today", viewUrl(w, "Attendance", "Today")],
        ["the digest", mailboxUrl(w, school.AttendanceLeadEmail)],
      ]);
    },
  },
  {
    title: "The Director's week",
    async run(w) {
      const functions = (await (await fetch(`${w.appUrl}/admin/functions`, { headers: { "x-functions-key": w.masterKey } })).json()) as { name: string }[];
      const week = functions.find((f) => /director/i.test(f.name));
      if (!week) {
        w.say("The Director's weekly report is not wired into the app yet (no function for it): skipped.");
        return;
      }
      const before = inbox(w, demoStaff.director).length;
      const ran = await fetch(`${w.appUrl}/admin/functions/${encodeURIComponent(week.name)}`, { method: "POST", headers: { "content-type": "application/json", "x-functions-key": w.masterKey }, body: "{}" });
      if (ran.status !== 202) throw new Error(`The host did not run ${week.name}: HTTP ${ran.status}`);
      await hands(w).waitFor("the Director's week", () => inbox(w, demoStaff.director).length > before);
      w.say("The Director's week: places, the waiting list and how long cases have waited, what each school is charged, attendance — by email, as every Monday.");
      w.look([["the Director's inbox", mailboxUrl(w, demoStaff.director)]]);
    },
  },
];

/** Who teaches the case's pupil today, by the placement's pattern: the partnership's centre or an alternative provider. */
async function todaysProvider(w: StoryWorld, caseRef: string, today: string): Promise<{ id: string; name: string }> {
  const placement = await hands(w).waitFor("the placement", () => hands(w).items("Placements").find((p) => p.fields.Title === caseRef));
  const pattern = weeklyPatternSchema.parse(JSON.parse(String(placement.fields.Pattern)));
  const id = providerMarkingOn(pattern, today);
  if (!id) throw new Error(`${caseRef}'s placement names no provider to mark its sessions`);
  const named = Object.values(pattern).find((d) => d.location === "alternativeProvision" && d.provider?.id === id);
  return { id, name: id === CENTRE_PROVIDER_ID ? "The partnership's centre" : (named?.location === "alternativeProvision" && named.provider?.name) || id };
}

function hands(w: StoryWorld): DemoSteps {
  return demoSteps({ appUrl: w.appUrl, functionKey: w.functionKey, graph: w.graph });
}

const events = (w: StoryWorld) => w.playground.events as StreamEvent[];
const cardText = (e: StreamEvent) => JSON.stringify(e.message.attachments?.[0]?.content ?? null);
const inbox = (w: StoryWorld, address: string) => w.graph.area<MailArea>("mail").inbox(address);

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`This step needs ${what} from an earlier step`);
  return value;
}

const isCoreGroupCard = (caseRef: string) => (text: string) => text.includes(`Core Group: ${caseRef}`);
const postOf = (e: StreamEvent) => ({ conversationId: e.message.postConversationId ?? e.actionConversationId, messageId: e.message.messageId });

/** The newest post (since an event) of a card: a card posted again supersedes its earlier copies, which lose their buttons. */
function newestPost(w: StoryWorld, since: number, matches: (cardText: string) => boolean): StreamEvent | undefined {
  return events(w).slice(since).filter((e) => e.action === "createMessage" && matches(cardText(e))).at(-1);
}

/**
 * Presses a button on the newest post of a card, as a person does: the Playground's page may post the panels' cards
 * again (opening a channel after the app was installed counts as "show open cases"), and a press on an earlier copy
 * changes nothing and is answered "posted again as a newer post: use that one" — then the newer post is pressed.
 */
async function pressNewest(w: StoryWorld, since: number, matches: (cardText: string) => boolean, fromId: string, verb: string, data: Record<string, unknown>): Promise<{ status: number; body: unknown }> {
  let pressedOn: string | undefined;
  for (let attempt = 0; ; attempt++) {
    const post = await w.playground.until(() => {
      const newest = newestPost(w, since, matches);
      return newest && newest.message.messageId !== pressedOn && newest;
    }, 20_000);
    pressedOn = post.message.messageId;
    const res = await w.playground.press({ conversationId: postOf(post).conversationId, replyToId: post.message.messageId, fromId, verb, data });
    if (attempt < 2 && /posted again as a newer post/.test(JSON.stringify(res.body))) continue;
    return res;
  }
}

/** Presses a button on the Core Group card (its newest post) as a panel member, and checks the answer says it was done. */
async function pressCard(w: StoryWorld, facts: StoryFacts, fromId: string, verb: string, data: Record<string, unknown>, done: string): Promise<void> {
  const caseRef = need(facts.caseRef, "the referral");
  const res = await pressNewest(w, need(facts.cardSince, "the Core Group card"), isCoreGroupCard(caseRef), fromId, verb, { caseRef, round: facts.round, ...data });
  const answer = JSON.stringify(res.body);
  // On failure, what the presser reads: the answer's texts (a card's text blocks, or a message), not its JSON's start.
  const texts = [...answer.matchAll(/"text":"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]).join(" | ");
  if (res.status !== 200 || !answer.includes(done)) throw new Error(`The press ${verb} by ${fromId} was answered ${res.status}: ${(texts || answer).slice(0, 600)}`);
}

const siteUrl = (w: StoryWorld) => `${w.graph.url}/sites/${demoSite.path}`;
const viewUrl = (w: StoryWorld, list: string, view: string) => `${siteUrl(w)}/Lists/${list}/${viewPageName(view)}`;
const mailboxUrl = (w: StoryWorld, address: string) => `${w.graph.url}/_tenant/mail/${address}`;
const calendarUrl = (w: StoryWorld, address: string) => `${w.graph.url}/_tenant/calendar/${address}`;
const caseUrl = (w: StoryWorld, demo: DemoSteps, caseRef: string) => `${siteUrl(w)}/Lists/Cases/DispForm.aspx?ID=${demo.items("Cases").find((i) => i.fields.Title === caseRef)?.id ?? ""}`;
