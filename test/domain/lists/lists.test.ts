import { describe, expect, it } from "vitest";
import { casesList, fromListFields, listDefinitions, toColumnDefinitions, toListFields, attendanceList } from "../../../src/domain/lists";
import { parseReferralAnswers, referralFormDefinition } from "../../../src/domain/referral/formDefinition";
import { fieldLeaves } from "../../../src/domain/fields/fieldLeaves";
import { referralFormSchema } from "../../../src/domain/referral/referralForm";
import { csdlProperties, undefinedProperties } from "../../support/csdl";
import { namedReferral, partnerUrns } from "../../fixtures/referralAnswers";

const facetType: Record<string, string> = { text: "textColumn", choice: "choiceColumn", dateTime: "dateTimeColumn", number: "numberColumn", boolean: "booleanColumn" };

describe("list definitions", () => {
  it("define the twelve lists the partnership works in, and the Referral inbox the standard-licence flow writes to", () => {
    expect(listDefinitions.map((l) => l.name)).toEqual(["Cases", "Schools", "Decisions", "Placements", "Reviews", "Attendance", "Meetings", "CoreGroupPanel", "People", "Providers", "Qualifications", "Visits", "ReferralInbox"]);
  });

  it("name every list as its title, because Graph finds /lists/{segment} by id or title and the app asks by name", () => {
    for (const def of listDefinitions) expect(def.displayName, def.name).toBe(def.name);
  });

  it("produce columnDefinitions carrying only properties Microsoft's CSDL defines, with internal names SharePoint accepts", () => {
    const columnProps = csdlProperties("columnDefinition");
    for (const list of listDefinitions) {
      for (const column of toColumnDefinitions(list)) {
        expect(undefinedProperties("columnDefinition", column as unknown as Record<string, unknown>), `${list.name}.${column.name}`).toEqual([]);
        expect(column.name).toMatch(/^[A-Za-z][A-Za-z0-9]{0,31}$/);
        for (const facet of Object.keys(facetType)) {
          const value = (column as unknown as Record<string, Record<string, unknown> | undefined>)[facet];
          if (!value) continue;
          expect(columnProps.get(facet)?.type).toBe(`graph.${facetType[facet]}`);
          expect(undefinedProperties(facetType[facet]!, value), `${list.name}.${column.name}.${facet}`).toEqual([]);
        }
      }
    }
  });

  it("give every Referral Form field a Cases column, declared once on the form schema", () => {
    const columns = new Map(toColumnDefinitions(casesList).map((c) => [c.name, c]));
    for (const leaf of fieldLeaves(referralFormSchema)) expect(columns.has(leaf.meta.column!), leaf.path).toBe(true);
    expect(columns.get("Status")).toMatchObject({ indexed: true, choice: { choices: expect.arrayContaining(["Received", "Ready for Core Group", "Awaiting PO"]) } });
    expect(columns.get("Upn")).toMatchObject({ indexed: true, required: false, text: { allowMultipleLines: false, maxLength: 20 } });
    expect(columns.get("DslEmail")).toMatchObject({ text: { allowMultipleLines: false } });
    expect(columns.get("DslPhone")).toMatchObject({ text: { allowMultipleLines: false } });
    expect(columns.get("Concerns")).toMatchObject({ text: { allowMultipleLines: true, textType: "plain" } });
    expect(columns.get("FundingSources")).toMatchObject({ choice: { displayAs: "checkBoxes", choices: ["AWPU", "Pupil premium", "EHCP top-up"] } });
    expect(columns.get("YearGroup")).toMatchObject({ number: { minimum: 7, maximum: 11, decimalPlaces: "none" } });
    expect(columns.get("PupilDateOfBirth")).toMatchObject({ dateTime: { format: "dateOnly" } });
    expect(columns.get("AttendancePercent")).toMatchObject({ number: { minimum: 0, maximum: 100, decimalPlaces: "automatic" } });
    expect(columns.has("CaseRef")).toBe(false); // held in Title
  });

  it("round-trip a case through SharePoint fields: codes become labels and back", () => {
    const parsed = parseReferralAnswers(referralFormDefinition(), namedReferral, { partnerSchoolUrns: partnerUrns, today: "2026-11-23" });
    if (!parsed.ok) throw new Error("fixture must parse");
    const form = parsed.form;
    const row = {
      CaseRef: "LNCIP-2026-0042", Status: "received" as const, WorkflowStatus: "received" as const, Named: true, KeyStage: "KS3" as const, ReceivedAt: "2026-11-23T09:12:00Z", WorkflowVersion: 1,
      RequestType: form.requestType, SchoolUrn: form.schoolUrn, Upn: form.pupil?.upn, PupilDateOfBirth: form.pupil?.dateOfBirth,
      FundingSources: form.fundingSources, YearGroup: form.yearGroup, Concerns: form.concerns,
    };
    const fields = toListFields(casesList, row);
    expect(fields).toMatchObject({ Title: "LNCIP-2026-0042", Status: "Received", RequestType: "Partnership referral", FundingSources: ["AWPU", "Pupil premium"], "FundingSources@odata.type": "Collection(Edm.String)" });
    expect(fields.Concerns).toBe(namedReferral.concerns);
    const back = fromListFields(casesList, { ...fields, PupilDateOfBirth: "2012-03-14T00:00:00Z" });
    if (!back.ok) throw new Error(back.problems.join("; "));
    expect(back.row).toMatchObject({ Status: "received", RequestType: "partnershipReferral", FundingSources: ["awpu", "pupilPremium"], YearGroup: 9, PupilDateOfBirth: "2012-03-14" });
  });

  it("report an item a person edited into nonsense as problems, not a crash", () => {
    const back = fromListFields(attendanceList, { Title: "m1", CaseRef: "LNCIP-2026-0042", Date: "2026-11-23", Session: "Evening", Happened: "Attended", RecordedBy: "x", RecordedAt: "2026-11-23T09:00:00Z" });
    expect(back.ok).toBe(false);
  });
});
