import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  formDefinitionProblems,
  formDefinitionSchema,
  parseReferralAnswers,
  referralFormDefinition,
} from "../../../src/domain/referral/formDefinition";
import {
  parentalConsentLabels,
  referralFormSections,
  requestTypeLabels,
  sectionShown,
  supportRequestedLabels,
  type ReferralSectionId,
} from "../../../src/domain/referral/referralForm";
import type { KnownInclusionForumCase } from "../../../src/domain/referral/inclusionForumCaseCheck";
import {
  anonymousInclusionForum,
  badSubmissions,
  branchingInSchoolSupportReferral,
  branchingInclusionForum,
  namedReferral,
  partnerUrns,
  validUpn,
} from "../../fixtures/referralAnswers";

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

  it("accepts a Partnership referral with no Inclusion Forum case: it waits for the Director's exception instead", () => {
    const { previousInclusionForumCase: _none, ...answers } = namedReferral;
    const parsed = parseReferralAnswers(definition, answers, context);
    expect(parsed.ok && parsed.form.previousInclusionForumCase).toBeUndefined();
    expect(parsed.ok).toBe(true);
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

describe("the form by branch", () => {
  const sectionsOf = (id: ReferralSectionId) => definition.questions.filter((q) => q.section === id).map((q) => q.field);

  it("accepts an Inclusion Forum discussion sent from a branching form: no support, PO, risk assessment or DSL asked", () => {
    const parsed = parseReferralAnswers(definition, branchingInclusionForum, context);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    expect(parsed.form).toMatchObject({ requestType: "inclusionForum", parentalConsent: false, forumRequest: ["advice", "whetherToRefer"] });
    for (const absent of ["supportRequested", "purchaseOrderNumber", "riskAssessmentCompleted", "dsl", "pupil"] as const) expect(parsed.form[absent]).toBeUndefined();
  });

  it("never asks a forum discussion for a PO, whatever support a form without branching says it wants", () => {
    const answers = { ...anonymousInclusionForum, supportRequested: "Programme Management (full-time)", riskAssessmentCompleted: "No" };
    const parsed = parseReferralAnswers(definition, answers, context);
    expect(parsed.ok).toBe(true);
  });

  it("accepts a named forum discussion, with the pupil's details (consent given)", () => {
    const named = { ...branchingInclusionForum, parentalConsent: "Yes", "pupil.firstName": "Zoë", "pupil.lastName": "D'Arcy-Ångström", "pupil.dateOfBirth": "2012-03-14", "pupil.upn": validUpn };
    const parsed = parseReferralAnswers(definition, named, context);
    expect(parsed.ok && parsed.form.pupil?.upn).toBe(validUpn);
    const missingUpn = parseReferralAnswers(definition, { ...named, "pupil.upn": "" }, context);
    expect(missingUpn.ok ? [] : missingUpn.problems.map((p) => p.question)).toEqual(["Pupil's UPN (unique pupil number)"]);
  });

  it("asks a referral for in-school support for the DSL but no PO and no risk assessment", () => {
    const parsed = parseReferralAnswers(definition, branchingInSchoolSupportReferral, context);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    expect(parsed.form.purchaseOrderNumber).toBeUndefined();
    const noDsl = parseReferralAnswers(definition, { ...branchingInSchoolSupportReferral, "dsl.name": "", "dsl.email": "", "dsl.phone": "" }, context);
    expect(noDsl.ok ? [] : noDsl.problems.map((p) => p.question)).toEqual(["Your designated safeguarding lead's name", "Your DSL's email address", "Your DSL's phone number"]);
  });

  it("asks Programme Management for the PO, its funding and the Standard Risk Assessment, naming each question", () => {
    const parsed = parseReferralAnswers(definition, { ...namedReferral, purchaseOrderNumber: "", fundingSources: "", riskAssessmentCompleted: "" }, context);
    expect(parsed.ok ? [] : parsed.problems.map((p) => p.question)).toEqual([
      "Purchase order number (for Programme Management)",
      "Which funding does the purchase order cover?",
      "Have you completed the county's Standard Risk Assessment for the pupil?",
    ]);
  });

  it("gives a Programme Management PO the period from the referral's date to 31 August unless the school gave one", () => {
    const parsed = parseReferralAnswers(definition, namedReferral, context);
    expect(parsed.ok && [parsed.form.purchaseOrderFrom, parsed.form.purchaseOrderTo]).toEqual(["2026-11-23", "2027-08-31"]);
    const given = parseReferralAnswers(definition, { ...namedReferral, purchaseOrderFrom: "2027-01-04", purchaseOrderTo: "2027-03-31" }, context);
    expect(given.ok && [given.form.purchaseOrderFrom, given.form.purchaseOrderTo]).toEqual(["2027-01-04", "2027-03-31"]);
    const summer = parseReferralAnswers(definition, namedReferral, { ...context, today: "2027-07-01" });
    expect(summer.ok && summer.form.purchaseOrderTo).toBe("2027-08-31");
    const topUp = parseReferralAnswers(definition, { ...namedReferral, fundingSources: '["AWPU","EHCP top-up"]', purchaseOrderSendTopUp: "6000" }, context);
    expect(topUp.ok && topUp.form.purchaseOrderSendTopUp).toBe(6000);
  });

  it("puts each question in the section that matches who must answer it", () => {
    expect(sectionsOf("pupil")).toEqual(["pupil.firstName", "pupil.lastName", "pupil.dateOfBirth", "pupil.upn"]);
    expect(sectionsOf("forum")).toEqual(["forumRequest"]);
    expect(sectionsOf("programmeManagement")).toEqual(["purchaseOrderNumber", "fundingSources", "purchaseOrderValue", "purchaseOrderSendTopUp", "purchaseOrderFrom", "purchaseOrderTo", "riskAssessmentCompleted"]);
    expect(sectionsOf("safeguarding")).toEqual(["dsl.name", "dsl.email", "dsl.phone"]);
    const po = definition.questions.find((q) => q.field === "purchaseOrderNumber")!;
    expect(po).toMatchObject({ required: true, shownWhen: { requestType: ["Partnership referral"], supportRequested: ["Programme Management (part-time)", "Programme Management (full-time)"] } });
    expect(definition.questions.find((q) => q.field === "previousInclusionForumCase")).toMatchObject({ required: false, shownWhen: { requestType: ["Partnership referral"] } });
  });

  it("is what docs/forms-branches.md tells a partnership to build: every section and question, with its Required switch", () => {
    const recipe = readFileSync(join(__dirname, "../../../docs/forms-branches.md"), "utf8");
    for (const section of definition.sections!) expect(recipe, section.id).toContain(`${section.title} (\`${section.id}\`)`);
    for (const q of definition.questions) expect(recipe, q.field).toMatch(new RegExp(`\\| ${q.title.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} \\|[^\\n]*\\| ${q.required ? "Yes" : "No"}`));
  });

  it("puts each section's branching question last in it, so Forms can go to the next section from its answer", () => {
    for (const section of definition.sections!) {
      if (!("branchOn" in section.next)) continue;
      const inSection = definition.questions.filter((q) => q.section === section.id);
      expect(inSection[inSection.length - 1]!.field, section.id).toBe(section.next.branchOn);
      const question = definition.questions.find((q) => q.field === (section.next as { branchOn: string }).branchOn)!;
      expect(Object.keys(section.next.goToByAnswer).sort(), section.id).toEqual([...(question.choices ?? ["Yes", "No"])].sort());
    }
  });

  // Walks the sections as Forms would for one set of answers, following each section's "go to" rules.
  function walk(answers: { requestType: string; consent: string; support: string }): string[] {
    const byId = new Map(definition.sections!.map((x) => [x.id, x]));
    const answerOf: Record<string, string> = { requestType: answers.requestType, parentalConsent: answers.consent, supportRequested: answers.support };
    const seen: string[] = [];
    for (let at: string | undefined = definition.sections![0]!.id; at && at !== "submit"; ) {
      seen.push(at);
      const next: { goTo: string } | { branchOn: string; goToByAnswer: Record<string, string> } = byId.get(at)!.next;
      at = "goTo" in next ? next.goTo : next.goToByAnswer[answerOf[next.branchOn]!];
    }
    return seen;
  }

  it("branches in Forms exactly as the parser reads the branches: every path shows the sections the rules require", () => {
    for (const [requestType, requestLabel] of Object.entries(requestTypeLabels)) {
      for (const [consent, consentLabel] of Object.entries(parentalConsentLabels)) {
        for (const [support, supportLabel] of Object.entries(supportRequestedLabels)) {
          const shown = (Object.keys(referralFormSections) as ReferralSectionId[]).filter((id) =>
            sectionShown(id, { requestType: requestType as "inclusionForum", parentalConsent: consent === "true", supportRequested: support as "advice" }),
          );
          expect(walk({ requestType: requestLabel, consent: consentLabel, support: supportLabel }), `${requestLabel} / consent ${consentLabel} / ${supportLabel}`).toEqual(shown);
        }
      }
    }
  });

  it("checks the referral's Inclusion Forum case: it must exist, be the school's own, and have been heard or be on a forum's agenda", () => {
    const heard: KnownInclusionForumCase = { caseRef: "LNCIP-2025-0031", schoolUrn: "120345", heard: true, onForumAgenda: false };
    const withCase = (known: KnownInclusionForumCase | undefined) => parseReferralAnswers(definition, namedReferral, { ...context, inclusionForumCase: () => known });
    const question = "Inclusion Forum case reference (if the pupil was discussed at the Inclusion Forum)";
    const problemOf = (p: ReturnType<typeof withCase>) => (p.ok ? undefined : p.problems.find((x) => x.question === question)?.message);
    expect(withCase(heard).ok).toBe(true);
    expect(withCase({ ...heard, heard: false, onForumAgenda: true }).ok).toBe(true);
    expect(withCase({ ...heard, heard: false, heldForThisPupil: true }).ok).toBe(true);
    expect(problemOf(withCase(undefined))).toMatch(/We have no case LNCIP-2025-0031.*leave it blank/);
    expect(problemOf(withCase({ ...heard, schoolUrn: "120346" }))).toMatch(/not one of your school's cases/);
    expect(problemOf(withCase({ ...heard, heard: false }))).toMatch(/has not been discussed at an Inclusion Forum yet, nor is it on a forum's agenda/);
  });
});
