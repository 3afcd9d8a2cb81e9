import { describe, expect, it } from "vitest";
import * as AC from "adaptivecards";
import { bindCard, cardTemplates, coreGroupCard, inclusionForumAgendaCard, postedAgainCard, UnboundCardFieldError } from "../../src/teams/cards/cardTemplates";
import { caseCardFacts, coreGroupCardView, forumAgendaView, giveView, MAX_REFRESH_USERS, type Panel, type VotingState } from "../../src/domain/coreGroup";
import type { AdaptiveCardJson } from "../../src/teams/teamsChannel";
import { demoPupil, privacyLeaks } from "../support/privacyScan";
import { cardSupersededBy, pressAnswers } from "../../src/workflows/messages/coreGroupPanelMessages";
import { agendaPressAnswers } from "../../src/workflows/messages/inclusionForumMessages";

/** Parses a card as Teams' renderer would (Adaptive Cards 1.5) and returns every warning or error it reports. */
function parseProblems(card: object): string[] {
  const ctx = new AC.SerializationContext();
  ctx.targetVersion = AC.Versions.v1_5;
  const parsed = new AC.AdaptiveCard();
  parsed.parse(card, ctx);
  const problems: string[] = [];
  for (let i = 0; i < ctx.eventCount; i++) problems.push(`${ctx.getEventAt(i).phase}: ${ctx.getEventAt(i).message}`);
  for (const e of parsed.validateProperties().validationEvents) problems.push(`validate: ${e.message}`);
  return problems;
}

const row = {
  CaseRef: "LNCIP-2026-0042",
  Status: "readyForCoreGroup",
  WorkflowStatus: "readyForCoreGroup",
  Named: true,
  KeyStage: "KS3",
  YearGroup: 9,
  PupilPremium: true,
  LookedAfter: false,
  AttendancePercent: 78.5,
  SuspensionsThisYear: 2,
  SupportRequested: "programmeManagementPartTime",
  PreviousIfCase: "LNCIP-2026-0007",
  SchoolUrn: "120345",
  FundingSources: ["awpu"] as "awpu"[],
  ...demoPupil,
} as const;

const members = ["user-id-0", "user-id-1", "user-id-2", "user-id-3", "user-id-4", "user-id-5"].map((id, i) => ({ id, schoolUrn: String(120345 + i), name: `Head ${i}` }));
const panel: Panel = { members, deputies: [{ for: "user-id-5", deputy: { id: "deputy-9", name: "Deputy" } }], chairId: "user-id-0", quorumSchools: 3 };
const now = new Date("2026-11-30T10:00:00Z");
const votesOf = (...people: string[]): VotingState => {
  let state: VotingState = { caseRef: row.CaseRef, views: {} };
  for (const p of people) {
    const r = giveView(state, panel, p, "programmeManagementPartTime", `${demoPupil.Concerns} — ${demoPupil.PupilFirstName}`, now);
    if (r.ok) state = r.state;
  }
  return state;
};
const base = {
  facts: caseCardFacts(row),
  schoolName: "Oakfield Academy",
  round: "r-1",
  panel,
  meeting: { key: "CG-2026-12-03", date: "2026-12-03", startTime: "16:00" },
  placesLeft: 2,
  waitingList: 1,
  inclusionForumHistory: [{ caseRef: "LNCIP-2026-0007", outcome: "referToPartnership" as const }],
  caseUrl: "https://contoso.sharepoint.com/sites/lncip/Lists/Cases/DispForm.aspx?ID=17",
  nameOf: (id: string) => members.find((m) => m.id === id)?.name ?? id,
};

/** Every card the app produces, with demo data that includes a real-looking pupil's identity and free text. */
const demoCards: Record<string, AdaptiveCardJson> = {
  "Core Group, no views yet": coreGroupCard(coreGroupCardView({ ...base, votes: votesOf() })),
  "Core Group, one view, member's own view": coreGroupCard(coreGroupCardView({ ...base, votes: votesOf("user-id-1"), viewerId: "user-id-1", notice: { text: "Your view was recorded.", tone: "good" } })),
  "Core Group, quorum met, chair's view": coreGroupCard(coreGroupCardView({ ...base, votes: votesOf("user-id-1", "user-id-2", "deputy-9"), viewerId: "user-id-0" })),
  "Core Group, non-member's view": coreGroupCard(coreGroupCardView({ ...base, votes: votesOf("user-id-1"), viewerId: "stranger", notice: { text: "Only Core Group members can give a view.", tone: "attention" } })),
  "Core Group, rolled to the next meeting": coreGroupCard(coreGroupCardView({ ...base, votes: votesOf(), rolledFrom: { key: "CG-2026-11-26", date: "2026-11-26", startTime: "16:00" } })),
  "Core Group, decided": coreGroupCard(
    coreGroupCardView({ ...base, facts: caseCardFacts({ ...row, WorkflowStatus: "awaitingPo", CoreGroupOutcome: "programmeManagementPartTime", DecidedBy: "user-id-0", DecidedAt: "2026-12-03T16:40:00Z" }), votes: votesOf("user-id-1", "user-id-2", "user-id-3") }),
  ),
  "Core Group, unscheduled, nothing recorded": coreGroupCard(
    coreGroupCardView({ ...base, facts: caseCardFacts({ CaseRef: row.CaseRef, WorkflowStatus: "readyForCoreGroup", KeyStage: "KS4", ...demoPupil, SendStatus: undefined }), meeting: undefined, inclusionForumHistory: [], votes: votesOf() }),
  ),
  "Inclusion Forum agenda": inclusionForumAgendaCard(
    forumAgendaView({ key: "IF-2026-12", date: "2026-12-09", startTime: "09:30" }, [
      { caseRef: "LNCIP-2026-0040", schoolName: "Oakfield Academy", yearGroup: 8, caseUrl: base.caseUrl },
      { caseRef: "LNCIP-2026-0041", schoolName: "Brookside School", yearGroup: 10, outcome: "sendPlanGuidance", caseUrl: base.caseUrl },
    ]),
  ),
  "An earlier copy, posted again": postedAgainCard(cardSupersededBy("LNCIP-2026-0042")),
  "Inclusion Forum agenda, empty": inclusionForumAgendaCard(forumAgendaView({ key: "IF-2027-01", date: "2027-01-13", startTime: "09:30" }, [], { text: "Nothing to record.", tone: "warning" })),
};

describe("the card templates in cards/", () => {
  it.each(Object.keys(cardTemplates))("%s is an Adaptive Card 1.5 with Action.Execute buttons only (or none)", (name) => {
    const template = cardTemplates[name as keyof typeof cardTemplates] as { version: string };
    expect(template.version).toBe("1.5");
    const actions = JSON.stringify(template).match(/"type":\s*"Action\.\w+"/g) ?? [];
    const types = new Set(actions.map((a) => a.replace(/.*"Action\./, "Action.").replace(/"$/, "")));
    // The earlier copy of a card posted again has no buttons at all: nothing can be pressed on it.
    expect([...types].sort()).toEqual(name === "postedAgain" ? [] : ["Action.Execute", "Action.Submit"]);
    // Action.Submit appears only as the fallback of an Action.Execute.
    const submits = (JSON.stringify(template).match(/"type":"Action\.Submit"/g) ?? []).length;
    const fallbacks = (JSON.stringify(template).match(/"fallback":\{"type":"Action\.Submit"/g) ?? []).length;
    expect(submits).toBe(fallbacks);
  });

  it.each(Object.entries(demoCards))("%s parses with the adaptivecards package with no warnings", (_name, card) => {
    expect(parseProblems(card)).toEqual([]);
    expect(card.version).toBe("1.5");
  });

  it.each(Object.entries(demoCards))("%s carries no pupil name, date of birth, UPN, free text or special-category detail", (_name, card) => {
    expect(privacyLeaks(JSON.stringify(card))).toEqual([]);
  });

  it("shows text that looks like a binding as text, and refuses a card whose own binding is left unbound", () => {
    const card = coreGroupCard(coreGroupCardView({ ...base, schoolName: "St ${evil} School", votes: votesOf() }));
    expect(JSON.stringify(card)).toContain("St $ {evil} School");
    expect(() => bindCard("coreGroup", { caseRef: "LNCIP-2026-0042" })).toThrow(UnboundCardFieldError);
  });

  it("shows a school name or a 'decided by' written as Markdown as those words, never as a link, emphasis or a list", () => {
    const lure = "[Your session expired - sign in](https://evil.example/login)";
    const decided = coreGroupCardView({ ...base, schoolName: `**${lure}**`, nameOf: () => `${lure}\n- click`, facts: caseCardFacts({ ...row, WorkflowStatus: "awaitingPo", CoreGroupOutcome: "inSchoolSupport", DecidedBy: "x", DecidedAt: "2026-12-03T16:40:00Z" }), votes: votesOf(), notice: { text: lure, tone: "attention" } });
    const agenda = forumAgendaView({ key: "IF-2026-12", date: "2026-12-09", startTime: "09:30" }, [{ caseRef: "LNCIP-2026-0040", schoolName: lure, yearGroup: 8, caseUrl: "https://contoso.sharepoint.com/x (y)" }], { text: lure, tone: "attention" });
    // Markdown a renderer would act on: a link `[..](..)`, emphasis, a list line — any of them not escaped by a backslash.
    const live = /(?<!\\)\[[^\]]*(?<!\\)\]\(|(?<!\\)\*\*|(?:^|\n)\s*[-+*] /;
    const cardTexts = (card: AdaptiveCardJson) => JSON.stringify(card).match(/"(?:text|value|title)":"((?:[^"\\]|\\.)*)"/g)?.map((m) => JSON.parse(`{${m}}`) as Record<string, string>).map((o) => Object.values(o)[0]!) ?? [];
    const texts = [...cardTexts(coreGroupCard(decided)), ...cardTexts(inclusionForumAgendaCard(agenda))].filter((t) => !/^\[Open the case( in SharePoint)?\]\(https:[^\s()]*\)/.test(t)); // the app's own link to the record
    expect(texts.filter((t) => t.includes("Your session expired"))).not.toEqual([]);
    expect(texts.filter((t) => live.test(t))).toEqual([]);
    expect(JSON.stringify(inclusionForumAgendaCard(agenda))).toContain("[Open the case](https://contoso.sharepoint.com/x%20%28y%29)");
  });

  it("the parse check does report a problem when there is one", () => {
    expect(parseProblems({ type: "AdaptiveCard", version: "1.5", body: [{ type: "Carousel.Nonsense" }, { type: "Input.Text" }] }).length).toBeGreaterThan(0);
  });

  it("the privacy scan does find identity when it is there", () => {
    expect(privacyLeaks(JSON.stringify({ text: `${demoPupil.PupilFirstName} ${demoPupil.Upn}` }))).toEqual(expect.arrayContaining([demoPupil.PupilFirstName, demoPupil.Upn]));
  });
});

describe("the notices on a card", () => {
  /** The colour of the TextBlock that carries `text`. */
  const colourOf = (card: AdaptiveCardJson, text: string): unknown => {
    const found: unknown[] = [];
    const walk = (n: unknown) => {
      if (Array.isArray(n)) n.forEach(walk);
      else if (n && typeof n === "object") {
        const o = n as Record<string, unknown>;
        if (o.type === "TextBlock" && o.text === text) found.push(o.color);
        Object.values(o).forEach(walk);
      }
    };
    walk(card);
    expect(found).toHaveLength(1);
    return found[0];
  };

  it("are green for what was done, amber for what to do, red for what went wrong", () => {
    expect(colourOf(demoCards["Core Group, one view, member's own view"]!, "Your view was recorded.")).toBe("Good");
    expect(colourOf(demoCards["Core Group, non-member's view"]!, "Only Core Group members can give a view.")).toBe("Attention");
    expect(colourOf(demoCards["Inclusion Forum agenda, empty"]!, "Nothing to record.")).toBe("Warning");
  });

  it("the press answers carry the tone of what they say", () => {
    expect(pressAnswers.viewRecorded("inSchoolSupport").tone).toBe("good");
    expect(pressAnswers.decisionRecorded("inSchoolSupport").tone).toBe("good");
    expect(pressAnswers.chooseOutcome.tone).toBe("warning");
    expect(pressAnswers.outOfDate.tone).toBe("warning");
    expect(agendaPressAnswers.chooseOutcome("LNCIP-2026-0040").tone).toBe("warning");
  });
});

describe("what the Core Group card shows", () => {
  const text = (card: AdaptiveCardJson) => JSON.stringify(card);
  it("shows SEND as yes/no, the flags, attendance band, support requested label, PO status, places and the meeting", () => {
    const card = text(demoCards["Core Group, no views yet"]!);
    for (const s of ["SEND: yes", "Pupil premium", "50% to 90% (persistent absence)", "Programme Management (part-time)", "Purchase order","Received", "KS3 places left", "1 case", "Thursday 3 December 2026, 16:00", "LNCIP-2026-0007", "Refer to Partnership", "DispForm.aspx?ID=17"]) {
      expect(card).toContain(s);
    }
  });

  it("lists every panel member and deputy for their own view while undecided (≤ 60), and nobody once decided", () => {
    expect(demoCards["Core Group, no views yet"]!.refresh).toMatchObject({ userIds: ["user-id-0", "user-id-1", "user-id-2", "user-id-3", "user-id-4", "user-id-5", "deputy-9"] });
    expect(demoCards["Core Group, decided"]!.refresh).toBeUndefined();
    const many: Panel = { ...panel, members: Array.from({ length: 80 }, (_, i) => ({ id: `m${i}`, schoolUrn: "120345", name: "x" })) };
    const big = coreGroupCard(coreGroupCardView({ ...base, panel: many, votes: votesOf() }));
    expect((big.refresh as { userIds: string[] }).userIds).toHaveLength(MAX_REFRESH_USERS);
  });

  it("offers Record decision only once quorum is met, and no buttons at all once decided", () => {
    expect(text(demoCards["Core Group, one view, member's own view"]!)).not.toContain("coreGroup.recordDecision");
    expect(text(demoCards["Core Group, quorum met, chair's view"]!)).toContain("coreGroup.recordDecision");
    const decided = text(demoCards["Core Group, decided"]!);
    expect(decided).not.toContain("Action.");
    expect(decided).toContain("Decision: Programme Management (part-time)");
    expect(decided).toContain("Recorded by Head 0 on 3 December 2026 at 16:40");
  });

  it("shows the member their own view, never the comment, and the tally to everyone", () => {
    const own = text(demoCards["Core Group, one view, member's own view"]!);
    expect(own).toContain("Your view: Programme Management (part-time) (with a comment for the record)");
    expect(own).toContain("Views from 1 of the 3 schools needed.");
    expect(text(demoCards["Core Group, rolled to the next meeting"]!)).toContain("rolled to Thursday 3 December 2026, 16:00");
    expect(text(demoCards["Core Group, unscheduled, nothing recorded"]!)).toContain("SEND: not recorded");
  });
});
