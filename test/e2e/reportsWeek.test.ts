import "../support/exampleSettings";
import { InvocationContext } from "@azure/functions";
import type { TurnContext } from "@microsoft/agents-hosting";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { directorsWeekHandler } from "../../functions/directorsWeek";
import { termlyStatementsHandler } from "../../functions/termlyStatements";
import { coreGroupOutcomeLabels } from "../../src/domain/case/outcomes";
import { attendanceList, casesList, decisionsList, placementsList, qualificationsList, reviewsList, schoolsList, visitsList } from "../../src/domain/lists";
import { panelBot } from "../../src/teams/bot/panelBot";
import { pingCard } from "../../src/teams/bot/pingCard";
import { runDueDirectorsWeek } from "../../src/workflows/reports/directorsWeekRound";
import { ofstedPackForSenco } from "../../src/workflows/reports/ofstedPackRequests";
import { runDueTermlyStatements } from "../../src/workflows/reports/termlyStatements";
import { memoryStore } from "../support/memoryConversationStore";
import { startReportsSandbox, type ReportsSandbox } from "../support/reportsSandbox";
import { attendanceRows, caseRows, decisionRows, placeRate, placementRows, pupilNames, qualificationRows, reviewRows, schoolRows, visitRows } from "../support/reportsWeekItems";
import { docxText } from "../support/unzip";
import type { SitesArea } from "../../sandbox/graph/areas";

/**
 * The reports end to end, through the Graph sandbox's lists, the app's typed ports, the effect ledger in Azurite and
 * the sandbox's mailboxes, run as their timers, the Schools list's round and the bot's command run them, with the
 * clock set by the test. The rows are the Director's week of Monday 2 March 2026 (test/support/reportsWeekItems.ts);
 * every figure below is worked out by hand there and in test/domain/reports/directorsWeek.test.ts.
 */
let box: ReportsSandbox;
const director = "director@lncip.example";
const quiet = () => new InvocationContext({ functionName: "test", invocationId: "6f1c0c6e-0000-4000-8000-000000000002", logHandler: () => undefined });

beforeAll(async () => {
  box = await startReportsSandbox({ PLACES_KS3: "2", PLACES_KS4: "3", AVERAGE_PUPIL_COST_KS3_PENCE_PER_YEAR: placeRate, AVERAGE_PUPIL_COST_KS4_PENCE_PER_YEAR: placeRate }, "2026-03-02T07:55:00Z");
  box.fill(schoolsList, schoolRows);
  box.fill(casesList, caseRows);
  box.fill(placementsList, placementRows);
  box.fill(reviewsList, reviewRows);
  box.fill(decisionsList, decisionRows);
  box.fill(attendanceList, attendanceRows);
  box.fill(qualificationsList, qualificationRows);
  box.fill(visitsList, visitRows);
}, 90_000);
afterAll(async () => box?.stop());

/** The email's tables by their heading: each row's cells as text. */
function tables(html: string): Map<string, string[][]> {
  const out = new Map<string, string[][]>();
  const text = (s: string) => s.replace(/<[^>]+>/g, "").replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n))).replace(/&amp;/g, "&").trim();
  for (const part of html.split(/<h2[^>]*>/).slice(1)) {
    const heading = text(part.slice(0, part.indexOf("</h2>")));
    const rows = [...part.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((r) => [...r[1]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => text(c[1]!))).filter((r) => r.length > 0);
    out.set(heading, rows);
  }
  return out;
}

const directorsWeekRun = () => directorsWeekHandler({}, quiet(), () => runDueDirectorsWeek(box.app.ports.reports, box.app.now()));
const weekMails = () => box.inbox(director).filter((m) => m.subject.startsWith("Director's week"));

describe("the Director's week, as the timer sends it", () => {
  it("is not sent before 08:00 on Monday, then once, however often the timer fires that week", async () => {
    await directorsWeekRun(); // 07:55 GMT
    expect(weekMails()).toEqual([]);
    box.setClock("2026-03-02T08:05:00Z");
    await directorsWeekRun();
    box.setClock("2026-03-02T08:15:00Z");
    await directorsWeekRun();
    box.setClock("2026-03-04T14:00:00Z");
    await directorsWeekRun();
    expect(weekMails().map((m) => m.subject)).toEqual(["Director's week: w/c 2 Mar 2026"]);
    expect(weekMails()[0]!.toRecipients.map((r) => r.emailAddress.address)).toEqual([director]);
    box.setClock("2026-03-02T08:05:00Z");
  }, 60_000);

  it("gives every figure as worked out by hand, from the lists read through the app's ports", () => {
    const t = tables(weekMails()[0]!.body.content);
    expect(t.get("Places")).toEqual([
      ["KS3", "2", "2", "1", "1", "0"],
      ["KS4", "3", "2", "2", "0", "1"],
    ]);
    expect(t.get("Waiting list (2)")).toEqual([
      ["LNCIP-2026-0021", "KS4", "Waiting list", "9 Feb 2026", "10"],
      ["LNCIP-2026-0022", "KS3", "Waiting list", "25 Feb 2026", "3"],
    ]);
    expect(t.get("Awaiting triage (2)")).toEqual([
      ["LNCIP-2026-0032", "KS4", "In triage", "2 Feb 2026", "15"],
      ["LNCIP-2026-0031", "KS3", "Received", "26 Feb 2026", "2"],
    ]);
    expect(t.get("Awaiting a Core Group decision (1)")).toEqual([["LNCIP-2026-0041", "KS4", "Ready for Core Group", "19 Jan 2026", "25"]]);
    expect(t.get("Decisions last week (2)")).toEqual([
      ["LNCIP-2025-0012", coreGroupOutcomeLabels.programmeManagementPartTime, "24 Feb 2026"],
      ["LNCIP-2026-0051", coreGroupOutcomeLabels.inSchoolSupport, "1 Mar 2026"],
    ]);
    expect(t.get("Placements starting and ending this week")).toEqual([
      ["LNCIP-2025-0012", "KS3", "Starts", "4 Mar 2026"],
      ["LNCIP-2025-0013", "KS4", "Ends", "6 Mar 2026"],
    ]);
    expect(t.get("Reviews overdue (2)")).toEqual([
      ["LNCIP-2025-0013", "1", "13 Jan 2026", "29"],
      ["LNCIP-2025-0011", "3", "24 Feb 2026", "4"],
    ]);
    // Brookside's visit to 0014 on 25 February is in the Visits list only: it counts.
    expect(t.get("Schools with no visit this term")).toEqual([["Oakfield Academy", "LNCIP-2025-0013"]]);
    expect(t.get("Attendance last week, by home school")).toEqual([
      ["Brookside School", "1", "10", "10", "0", "100%"],
      ["Oakfield Academy", "2", "18", "14", "3", "77.8%"],
    ]);
    // To today: 0011 103 days × £60 (68 + 29 + 6) = £6,180; 0013 83 × £100 (48 + 29 + 6) = £8,300; 0014 31 × £100
    // (25 + 6) = £3,100; 0015 68 × £100 = £6,800 (ended in December). The POs' values from the cases: PO-BRK-1 £6,000
    // (£800 over), PO-BRK-2 none given ("not recorded"), PO-OAK-1 £20,000 (the larger of 0013's and 0011's).
    expect(t.get("Charges to date, by school, against purchase orders")).toEqual([
      ["Brookside School", "£9,900.00", "PO-BRK-1", "£6,000.00", "£6,800.00", "-£800.00"],
      ["", "", "PO-BRK-2", "not recorded", "£3,100.00", "–"],
      ["Oakfield Academy", "£14,480.00", "PO-OAK-1", "£20,000.00", "£14,480.00", "£5,520.00"],
    ]);
  });

  it("links each case to its record, shows the charts inline, and names no pupil", () => {
    const mail = weekMails()[0]!;
    const id = box.items("Cases").find((i) => i.fields.Title === "LNCIP-2025-0013")!.id;
    expect(mail.body.content).toContain(`<a href="${box.graph.url}/sites/lncip/Lists/Cases/DispForm.aspx?ID=${id}">LNCIP-2025-0013</a>`);
    expect(mail.attachments.map((a) => [a.contentType, a.isInline, a.contentId])).toEqual([
      ["image/png", true, "places-over-year@inclusion-flow"],
      ["image/png", true, "attendance-by-week@inclusion-flow"],
    ]);
    for (const name of pupilNames) {
      expect(mail.subject).not.toContain(name);
      expect(mail.body.content).not.toContain(name);
    }
  });
});

describe("a school's Ofsted pack", () => {
  const schoolsRound = () => box.app.watched.find((w) => w.name === "Schools")!.round({ state: box.app.tables.state, now: box.app.now, log: () => undefined });
  const packs = (address: string) => box.inbox(address).filter((m) => m.subject.startsWith("Ofsted pack"));
  // (The demo tenant has an Oakfield Academy of its own, 120345: this one is the fixture's, 120001.)
  const oakfield = () => box.items("Schools").find((i) => i.fields.Urn === "120001")!;

  it("goes to the school's SENCO when a Coordinator ticks the school, once, and the tick is cleared", async () => {
    box.graph.area<SitesArea>("sites").patchAsPerson(box.siteId, "Schools", oakfield().id, { OfstedPackRequested: true }, "coordinator@lncip.example", new Date("2026-03-02T08:10:00Z"));
    await schoolsRound();
    await schoolsRound();
    expect(packs("senco@oakfield.example").map((m) => m.subject)).toEqual(["Ofsted pack: Oakfield Academy (2 Mar 2026)"]);
    expect(oakfield().fields).toMatchObject({ OfstedPackRequested: false, OfstedPackSentAt: "2026-03-02T08:05:00.000Z" });
    const audit = await box.app.tables.audit.forCase("LNCIP-2025-0011");
    expect(audit.filter((a) => a.action === "sendOfstedPack").map((a) => [a.by, a.source, a.to])).toEqual([["coordinator@lncip.example", "sharepoint", "senco@oakfield.example"]]);
  }, 60_000);

  it("holds only the school's own pupils, with their figures as worked out by hand, under a subject that names no one", () => {
    const mail = packs("senco@oakfield.example")[0]!;
    expect(mail.attachments.map((a) => [a.name, a.contentType])).toEqual([["ofsted-pack-120001-2026-03-02.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"]]);
    const text = docxText(Buffer.from(mail.attachments[0]!.contentBytes, "base64"));
    expect(text).toContain("Amelia Quintrell (LNCIP-2025-0011)");
    expect(text).toContain("Isla Quintrell (LNCIP-2025-0013)");
    // 0011: 23–26 Feb present (8), Friday I then N. 0013: B ×6, O ×2, X ×2 (not possible sessions).
    expect(text).toContain("80% attendance: 8 of 10 possible sessions attended; 1 authorised and 1 unauthorised absences.");
    expect(text).toContain("75% attendance: 6 of 8 possible sessions attended; 0 authorised and 2 unauthorised absences.");
    expect(text).toContain("Riverside AP");
    expect(text).toContain("No (unregistered)");
    expect(text).toContain("I like the centre");
    expect(text).toContain("Functional Skills English");
    expect(text).toContain("Sam Patel");
    // Visits with dates: the partnership's in November, the school's in January (also the placement's last visit).
    expect(text).toMatch(/12 Nov 2025\s*Partnership staff/);
    expect(text).toMatch(/20 Jan 2026\s*Home school/);
    expect(text).toContain("Last visit by the school recorded on Tuesday 20 January 2026.");
    for (const other of caseRows.filter((c) => c.SchoolUrn === "120002")) {
      expect(text).not.toContain(other.CaseRef);
      expect(text).not.toContain(other.PupilFirstName!);
    }
    for (const name of pupilNames) expect(mail.subject).not.toContain(name);
  });

  it("goes to a SENCO who asks the bot in Teams, only for that SENCO's school; anyone else is told who to ask", async () => {
    const replies: string[] = [];
    let email = "SENCO@brookside.example";
    const bot = panelBot({ store: memoryStore(), handlers: new Map(), pingCard, now: box.app.now, memberEmail: async () => email, ofstedPack: (request) => ofstedPackForSenco(box.app.ports.reports, request) });
    const say = (text: string, id: string) =>
      bot.onTurn({
        activity: { type: "message", id, text, serviceUrl: "http://127.0.0.1:9/_connector", channelId: "msteams", from: { id: "29:senco", aadObjectId: "aad-senco" }, recipient: { id: "28:bot" }, conversation: { id: "a:personal-chat", conversationType: "personal" } },
        sendActivity: async (a: unknown) => void replies.push(typeof a === "string" ? a : JSON.stringify(a)),
      } as unknown as TurnContext);
    await say("Ofsted pack please", "1733140800001");
    await say("Ofsted pack please", "1733140800001"); // Teams delivering the same message again
    expect(replies[0]).toBe("The Ofsted pack for Brookside School is on its way to senco@brookside.example, the SENCO address the partnership holds for the school.");
    const brookside = packs("senco@brookside.example");
    expect(brookside).toHaveLength(1);
    const text = docxText(Buffer.from(brookside[0]!.attachments[0]!.contentBytes, "base64"));
    // The running placement and the one that ended in December; not the one still being set up.
    expect(text).toContain("(LNCIP-2025-0014)");
    expect(text).toContain("(LNCIP-2025-0015)");
    expect(text).not.toContain("LNCIP-2025-0012");
    for (const mine of caseRows.filter((c) => c.SchoolUrn === "120001")) {
      expect(text).not.toContain(mine.CaseRef);
      expect(text).not.toContain(mine.PupilFirstName!);
    }

    email = "coordinator@lncip.example";
    await say("ofsted pack", "1733140800002");
    expect(replies.at(-1)).toMatch(/^I send a school's Ofsted pack only to that school's SENCO/);
    expect(box.inbox("coordinator@lncip.example").filter((m) => m.subject.startsWith("Ofsted pack"))).toEqual([]);
    expect(packs("senco@brookside.example")).toHaveLength(1);
  }, 60_000);
});

describe("termly statements", () => {
  const statements = (address: string) => box.inbox(address).filter((m) => m.subject.startsWith("Termly statement"));
  const run = () => termlyStatementsHandler({}, quiet(), () => runDueTermlyStatements(box.app.ports.reports, box.app.now()));

  it("go the morning after the term ends, once per school per term, to each finance contact with charges", async () => {
    box.setClock("2025-12-19T17:00:00Z"); // the autumn term's last day: not yet
    await run();
    expect(statements("finance@oakfield.example")).toEqual([]);
    box.setClock("2025-12-20T08:05:00Z");
    await run();
    box.setClock("2026-03-27T17:00:00Z"); // the spring term's last day: autumn's are done, spring's not yet due
    await run();
    box.setClock("2026-03-28T08:05:00Z");
    await run();
    await run();
    box.setClock("2026-03-30T09:00:00Z");
    await run();
    expect(statements("finance@oakfield.example").map((m) => m.subject)).toEqual(["Termly statement: Oakfield Academy, autumn term 2025/26", "Termly statement: Oakfield Academy, spring term 2025/26"]);
    expect(statements("finance@brookside.example").map((m) => m.subject)).toEqual(["Termly statement: Brookside School, autumn term 2025/26", "Termly statement: Brookside School, spring term 2025/26"]);
    expect(statements("finance@castlerock.example")).toEqual([]); // never a charge
    // Autumn: 0011 from 8 September, 68 days at £60; 0013 from 6 October, 48 at £100.
    expect(Buffer.from(statements("finance@oakfield.example")[0]!.attachments[0]!.contentBytes, "base64").toString("utf8").split("\r\n")[3]).toBe('"Total","","","","116","","8880.00"');
  }, 60_000);

  it("gives each pupil's days, rates and amount, the total and each PO's use, as worked out by hand, in HTML and CSV", () => {
    const oak = statements("finance@oakfield.example")[1]!;
    const csv = Buffer.from(oak.attachments[0]!.contentBytes, "base64").toString("utf8").split("\r\n");
    expect(oak.attachments[0]!.name).toBe("statement-120001-2025-26-spring.csv");
    // Spring: 6 Jan–27 Mar, 54 school days. 0011 at £60 a day (3 of 5): £3,240; 0013 to 6 March, 39 days: £3,900.
    expect(csv.slice(0, 5)).toEqual([
      '"Case","Pupil","Key stage","Purchase order","Days charged","Rates","Amount (£)"',
      '"LNCIP-2025-0011","Amelia Quintrell","KS3","PO-OAK-1","54","£19,000.00 a year pro rata, 3 of 5 days a week","3240.00"',
      '"LNCIP-2025-0013","Isla Quintrell","KS4","PO-OAK-1","39","£19,000.00 a year pro rata, 5 of 5 days a week","3900.00"',
      '"Total","","","","93","","7140.00"',
      "",
    ]);
    // PO-OAK-1 this year: autumn 0011 68 × £60 = £4,080 and 0013 48 × £100 = £4,800, then spring's £7,140.
    expect(csv.slice(5, 7)).toEqual(['"Purchase order","Value (£)","Used (£)","Left (£)"', '"PO-OAK-1","20000.00","16020.00","3980.00"']);
    expect(oak.body.content).toContain("£7,140.00");

    const brk = Buffer.from(statements("finance@brookside.example")[1]!.attachments[0]!.contentBytes, "base64").toString("utf8").split("\r\n");
    // 0014 from 12 January: 25 + 25 = 50 days at £100: £5,000. PO-BRK-1 carries 0015's autumn: 68 × £100.
    expect(brk[1]).toBe('"LNCIP-2025-0014","Noah Quintrell","KS4","PO-BRK-2","50","£19,000.00 a year pro rata, 5 of 5 days a week","5000.00"');
    expect(brk.slice(4, 7)).toEqual(['"Purchase order","Value (£)","Used (£)","Left (£)"', '"PO-BRK-1","6000.00","6800.00","-800.00"', '"PO-BRK-2","not recorded","5000.00",""']);
    for (const m of [...statements("finance@brookside.example"), ...statements("finance@oakfield.example")]) for (const name of pupilNames) expect(m.subject).not.toContain(name);
  });
});
