import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { giveView, recordDecision, tally, type Panel, type VotingState } from "../../../src/domain/coreGroup";
import { coreGroupOutcomes } from "../../../src/domain/case/outcomes";

const panel: Panel = {
  members: [
    { id: "head@oakfield.example", schoolUrn: "120345", name: "Oakfield head" },
    { id: "head@brookside.example", schoolUrn: "120346", name: "Brookside head" },
    { id: "deputyhead@brookside.example", schoolUrn: "120346", name: "Brookside deputy head" },
    { id: "head@hillcrest.example", schoolUrn: "120347", name: "Hillcrest head" },
    { id: "director@lncip.example", schoolUrn: "000000", name: "Director" },
  ],
  deputies: [{ for: "head@hillcrest.example", deputy: { id: "ahead@hillcrest.example", name: "Assistant head" } }],
  chairId: "head@oakfield.example",
  quorumSchools: 3,
};
const now = new Date("2026-11-26T16:00:00Z");
const fresh: VotingState = { caseRef: "LNCIP-2026-0042", views: {} };
const ok = (r: ReturnType<typeof giveView>) => {
  if (!r.ok) throw new Error(r.refusal);
  return r.state;
};

describe("Core Group voting", () => {
  it("refuses someone who is not on the panel, with a message for the card", () => {
    expect(giveView(fresh, panel, "parent@example.com", "schoolContinuesWithAdvice", undefined, now)).toEqual({ ok: false, refusal: expect.stringMatching(/Only Core Group members/) });
  });

  it("keeps one current view per member; changing it replaces it", () => {
    let s = ok(giveView(fresh, panel, "head@oakfield.example", "inSchoolSupport", undefined, now));
    s = ok(giveView(s, panel, "head@oakfield.example", "programmeManagementPartTime", "after discussion", now));
    expect(tally(s)).toEqual({ byOutcome: { programmeManagementPartTime: 1 }, schools: 1 });
  });

  it("counts a deputy's view for the member's school, replacing the member's own", () => {
    let s = ok(giveView(fresh, panel, "head@hillcrest.example", "inSchoolSupport", undefined, now));
    s = ok(giveView(s, panel, "ahead@hillcrest.example", "referBackToInclusionForum", undefined, now));
    expect(Object.keys(s.views)).toEqual(["head@hillcrest.example"]);
    expect(s.views["head@hillcrest.example"]).toMatchObject({ outcome: "referBackToInclusionForum", givenBy: "ahead@hillcrest.example", schoolUrn: "120347" });
  });

  it("needs views from enough different schools (two members of one school count once) before the chair decides", () => {
    let s = ok(giveView(fresh, panel, "head@oakfield.example", "inSchoolSupport", undefined, now));
    s = ok(giveView(s, panel, "head@brookside.example", "inSchoolSupport", undefined, now));
    s = ok(giveView(s, panel, "deputyhead@brookside.example", "inSchoolSupport", undefined, now));
    expect(recordDecision(s, panel, panel.chairId, "inSchoolSupport", now)).toEqual({ ok: false, refusal: "Views from 1 more school are needed before the decision can be recorded." });
    s = ok(giveView(s, panel, "head@hillcrest.example", "inSchoolSupport", undefined, now));
    expect(recordDecision(s, panel, "head@brookside.example", "inSchoolSupport", now)).toMatchObject({ ok: false, refusal: expect.stringMatching(/Only this meeting's chair/) });
    const decided = recordDecision(s, panel, panel.chairId, "inSchoolSupport", now);
    expect(decided).toMatchObject({ ok: true, changed: true, state: { decision: { outcome: "inSchoolSupport", by: panel.chairId } } });
  });

  it("records a decision once: a second press changes nothing; a different one, or a late view, is refused with who decided", () => {
    let s = fresh;
    for (const m of ["head@oakfield.example", "head@brookside.example", "head@hillcrest.example"]) s = ok(giveView(s, panel, m, "schoolContinuesWithAdvice", undefined, now));
    const first = recordDecision(s, panel, panel.chairId, "schoolContinuesWithAdvice", now);
    if (!first.ok) throw new Error(first.refusal);
    expect(recordDecision(first.state, panel, panel.chairId, "schoolContinuesWithAdvice", now)).toEqual({ ok: true, state: first.state, changed: false });
    expect(recordDecision(first.state, panel, panel.chairId, "inSchoolSupport", now)).toMatchObject({ ok: false, refusal: expect.stringMatching(/already decided \(School continues with advice\) by head@oakfield\.example/) });
    expect(giveView(first.state, panel, "director@lncip.example", "inSchoolSupport", undefined, now)).toMatchObject({ ok: false });
  });

  it("never records two decisions or a decision before quorum, whatever the order of presses", () => {
    const people = [...panel.members.map((m) => m.id), "ahead@hillcrest.example", "stranger@x.example"];
    const press = fc.record({ who: fc.constantFrom(...people), decide: fc.boolean(), outcome: fc.constantFrom(...coreGroupOutcomes) });
    fc.assert(
      fc.property(fc.array(press, { maxLength: 40 }), (presses) => {
        let s = fresh;
        let decisions = 0;
        for (const p of presses) {
          const r = p.decide ? recordDecision(s, panel, p.who, p.outcome, now) : giveView(s, panel, p.who, p.outcome, undefined, now);
          if (!r.ok) continue;
          if (p.decide && r.changed) {
            decisions++;
            expect(tally(s).schools).toBeGreaterThanOrEqual(panel.quorumSchools);
          }
          s = r.state;
        }
        expect(decisions).toBeLessThanOrEqual(1);
      }),
      { numRuns: 300 },
    );
  });
});
