import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  formDefinitionProblems,
  formDefinitionSchema,
  parseReferralAnswers,
  referralFormDefinition,
} from "../../../src/domain/referral/formDefinition";
import { anonymousInclusionForum, badSubmissions, namedReferral, partnerUrns, validUpn } from "../../fixtures/referralAnswers";

const definition = referralFormDefinition();
const context = { partnerSchoolUrns: partnerUrns, today: "2026-11-23" };

describe("the Referral Form definition", () => {
  it("is what forms/referral-form.json holds, so the shipped question list cannot drift from the schema", () => {
    const shipped = formDefinitionSchema.parse(JSON.parse(readFileSync(join(__dirname, "../../../forms/referral-form.json"), "utf8")));
    expect(shipped).toEqual(definition);
  });
  it("has a question for every field and no question pointing nowhere", () => {
    expect(formDefinitionProblems(definition)).toEqual([]);
    const missing = { ...definition, questions: definition.questions.filter((q) => q.field !== "pupil.upn") };
    expect(formDefinitionProblems(missing)).toEqual(["No question fills the field pupil.upn."]);
    const stray = { ...definition, questions: [...definition.questions, { id: "x", title: "Shoe size", type: "number" as const, field: "pupil.shoeSize" }] };
    expect(formDefinitionProblems(stray)).toEqual(['Question "Shoe size" (x) points at pupil.shoeSize, which is not a Referral Form field.']);
  });
});

describe("parseReferralAnswers", () => {
  it("reads a named Partnership referral as Forms hands it over", () => {
    const parsed = parseReferralAnswers(definition, namedReferral, context);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    expect(parsed.form).toMatchObject({
      requestType: "partnershipReferral",
      parentalConsent: true,
      pupil: { firstName: "Zoë", lastName: "D'Arcy-Ångström", dateOfBirth: "2012-03-14", upn: validUpn },
      yearGroup: 9,
      send: { status: "senSupport", primaryNeed: "semh" },
      attendancePercent: 78.5,
      suspensionsThisYear: 2,
      supportRequested: "programmeManagementPartTime",
      fundingSources: ["awpu", "pupilPremium"],
      dsl: { phone: "01164960123" },
      referrer: { name: "Siân O'Connor-Brady" },
    });
  });

  it("keeps free text exactly as written: asterisks, brackets, markup and template syntax are just text", () => {
    const parsed = parseReferralAnswers(definition, namedReferral, context);
    expect(parsed.ok && parsed.form.concerns).toBe(namedReferral.concerns);
  });

  it("reads an anonymous Inclusion Forum case with no identity at all", () => {
    const parsed = parseReferralAnswers(definition, anonymousInclusionForum, context);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    expect(parsed.form.pupil).toBeUndefined();
    expect(parsed.form.parentalConsent).toBe(false);
  });

  it("ignores keys that are not questions (Forms adds responder and submitDate)", () => {
    const parsed = parseReferralAnswers(definition, { ...anonymousInclusionForum, responder: "x@y.example", submitDate: "2026-11-23" }, context);
    expect(parsed.ok).toBe(true);
  });

  it("lets the Director's override stand in for the Inclusion Forum case", () => {
    const { previousInclusionForumCase: _none, ...answers } = namedReferral;
    expect(parseReferralAnswers(definition, answers, context).ok).toBe(false);
    expect(parseReferralAnswers(definition, answers, { ...context, inclusionForumOverride: true }).ok).toBe(true);
  });

  it.each(badSubmissions)("refuses a %s, naming the question as the school sees it", (_what, answers, question) => {
    const parsed = parseReferralAnswers(definition, answers, context);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems.map((p) => p.question)).toContain(question);
    for (const p of parsed.problems) expect(p.message.length).toBeGreaterThan(10);
  });

  it("lists every problem at once, not just the first", () => {
    const parsed = parseReferralAnswers(definition, { ...namedReferral, "pupil.upn": "A801200100001", schoolUrn: "999999", attendancePercent: "lots" }, context);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problems).toHaveLength(3);
  });

  it("never repeats a pupil's details in a problem message", () => {
    for (const [, answers] of badSubmissions) {
      const parsed = parseReferralAnswers(definition, answers, context);
      const text = JSON.stringify(parsed.ok ? "" : parsed.problems);
      for (const secret of ["Zoë", "D'Arcy", "2012-03-14", validUpn, "A801200100001", "2019-01-01"]) expect(text).not.toContain(secret);
    }
  });
});
