import { describe, expect, it } from "vitest";
import {
  providerFlags,
  providerFromRow,
  providerHoursText,
  providerRowProblems,
  standardPattern,
  unregisteredProviderProblems,
  unregisteredRuleApplies,
  type PlacementAtProviders,
  type WeeklyPattern,
} from "../../../src/domain/placement";
import { decide, type CaseState } from "../../../src/domain/case";
import { fromListFields, providersList, toListFields, type ProvidersRow } from "../../../src/domain/lists";
import { demoProviders } from "../../../sandbox/demo/demoTenant";

const riversideRow: ProvidersRow = { Name: "Riverside AP", ProviderId: "riverside", Ukprn: "10012345", RegisteredSchool: false, LastQaVisit: "2026-03-10", SafeguardingConfirmedOn: "2025-11-23", Sites: "1 Mill Lane, Loughborough\nThe Barn, Shepshed", ContactEmail: "office@riverside.example" };
const riverside = providerFromRow(riversideRow);
const hillview = providerFromRow({ Name: "Hillview School", ProviderId: "hillview", Urn: "139876", RegisteredSchool: true });
const fullTime = standardPattern(9, "programmeManagementFullTime", riverside); // three AP days: 19.5 hours
const partTime = standardPattern(9, "programmeManagementPartTime", riverside); // two AP days: 13 hours
const pupil = (n: number, pattern: WeeklyPattern, over: Partial<PlacementAtProviders> = {}): PlacementAtProviders => ({ caseRef: `LNCIP-2026-${String(n).padStart(4, "0")}`, pattern, ehcp: false, lookedAfter: false, ...over });

describe("the Providers list", () => {
  it("is a list the app provisions, read back into the provider a pattern names", () => {
    const back = fromListFields(providersList, toListFields(providersList, riversideRow));
    if (!back.ok) throw new Error(back.problems.join("; "));
    expect(back.row).toEqual(riversideRow);
    expect(toListFields(providersList, riversideRow)).toMatchObject({ Title: "Riverside AP", RegisteredSchool: false });
    expect(riverside).toEqual({ id: "riverside", name: "Riverside AP", registered: false, email: "office@riverside.example" });
  });
  it("asks for the URN or UKPRN, and a URN for a registered school", () => {
    expect(providerRowProblems(riversideRow)).toEqual([]);
    expect(providerRowProblems({ Name: "Fieldside", ProviderId: "fieldside", RegisteredSchool: true })).toEqual(["Fieldside needs its URN or UKPRN.", "Fieldside is marked as a registered school but has no URN: check it on Get Information about Schools."]);
  });
  it("shows a placement's providers and the hours a week at each", () => {
    expect(providerHoursText(standardPattern(9, "programmeManagementFullTime", [riverside, hillview]))).toBe("Riverside AP (riverside): 13; Hillview School (hillview): 6.5");
  });
});

describe("the unregistered-school rule, both limbs", () => {
  it("refuses more than 18 hours a week for a pupil with an EHCP, or looked after, at an unregistered provider", () => {
    expect(unregisteredProviderProblems(pupil(42, fullTime, { ehcp: true }), [])).toEqual([
      "Riverside AP is not a registered school, and LNCIP-2026-0042's pupil has an EHCP: 19.5 hours a week there is likely full-time education, which a setting may give even one such pupil only if it is registered as a school. Reduce the pupil's hours there to 18 or fewer, or use a registered provider.",
    ]);
    expect(unregisteredProviderProblems(pupil(42, fullTime, { lookedAfter: true }), [])[0]).toMatch(/is looked after: 19.5 hours a week/);
    expect(unregisteredProviderProblems(pupil(42, partTime, { ehcp: true }), [])).toEqual([]); // 13 hours
  });
  it("refuses the fifth of the partnership's pupils there for more than 18 hours, counting only those over the line", () => {
    const four = [1, 2, 3, 4].map((n) => pupil(n, fullTime));
    expect(unregisteredProviderProblems(pupil(42, fullTime), four)).toEqual([
      "Riverside AP is not a registered school: starting LNCIP-2026-0042 would make it educate 5 of the partnership's pupils for more than 18 hours a week, and a setting that educates 5 or more pupils full time must be registered as a school. Reduce the pupil's hours there to 18 or fewer, or use a registered provider.",
    ]);
    expect(unregisteredProviderProblems(pupil(42, fullTime), four.slice(1))).toEqual([]); // the fourth
    expect(unregisteredProviderProblems(pupil(42, fullTime), [...four.slice(1), pupil(5, partTime)])).toEqual([]); // 13 hours is not full-time
    expect(unregisteredProviderProblems(pupil(42, partTime), four)).toEqual([]); // 13 hours: not full-time there
    expect(unregisteredProviderProblems(pupil(1, fullTime), four)).toEqual([]); // its own placement again is not a fifth pupil
  });
  it("gives both limbs when both apply, and none at a registered provider (the Providers list decides)", () => {
    const four = [1, 2, 3, 4].map((n) => pupil(n, fullTime));
    expect(unregisteredProviderProblems(pupil(42, fullTime, { ehcp: true }), four)).toHaveLength(2);
    expect(unregisteredProviderProblems(pupil(42, fullTime, { ehcp: true }), four, [{ ...riverside, registered: true }])).toEqual([]);
  });
  it("has something to judge only for more than 18 hours a week at a provider: below that it finds nothing, whoever is registered and whatever runs elsewhere", () => {
    const four = [1, 2, 3, 4].map((n) => pupil(n, fullTime));
    expect(unregisteredRuleApplies(fullTime)).toBe(true);
    expect(unregisteredRuleApplies(partTime)).toBe(false);
    expect(unregisteredRuleApplies(standardPattern(9, "programmeManagementFullTime", [riverside, hillview]))).toBe(false); // 13 and 6.5
    expect(unregisteredProviderProblems(pupil(42, partTime, { ehcp: true, lookedAfter: true }), four)).toEqual([]);
  });
  it("is a reason the state machine refuses to start the placement, in words", () => {
    const decided: CaseState = { caseRef: "LNCIP-2026-0042", kind: "partnershipReferral", status: "decided", named: true, parentalConsent: true, keyStage: "KS3", purchaseOrder: { number: "PO-1", fundingSources: ["awpu"] }, decision: { outcome: "programmeManagementFullTime", decidedBy: "chair@x.example", decidedAt: "2026-11-26T16:05:00Z", source: "teams" }, version: 5 };
    const problems = unregisteredProviderProblems(pupil(42, fullTime, { ehcp: true }), []);
    const d = decide(decided, { kind: "startPlacement", by: "coordinator@lncip.example", at: "2026-11-30T09:00:00Z" }, { places: { KS3: 9, KS4: 26 }, activePlacements: { KS3: 0, KS4: 0 }, unregisteredProviderProblems: problems });
    expect(d).toMatchObject({ ok: false, error: { code: "unregisteredProvider" } });
    if (!d.ok) expect(d.error.message).toBe(`LNCIP-2026-0042's placement cannot start. ${problems[0]}`);
  });
});

describe("provider checks older than a year", () => {
  it("flags a quality-assurance visit or safeguarding confirmation never recorded or older than a year; a year to the day is current", () => {
    expect(providerFlags(riversideRow, "2026-11-23")).toEqual([]);
    expect(providerFlags(riversideRow, "2026-11-24")).toEqual([
      { kind: "safeguardingConfirmation", message: "Riverside AP: its safeguarding checks were last confirmed on 2025-11-23, more than a year ago. Please ask the provider to confirm them again in writing." },
    ]);
    expect(providerFlags({ Name: "Fieldside", LastQaVisit: undefined, SafeguardingConfirmedOn: undefined }, "2026-11-23").map((f) => f.kind)).toEqual(["qualityAssuranceVisit", "safeguardingConfirmation"]);
    expect(providerFlags({ ...riversideRow, LastQaVisit: "2024-02-29" }, "2025-03-01").map((f) => f.kind)).toContain("qualityAssuranceVisit");
    expect(providerFlags({ ...riversideRow, LastQaVisit: "2024-02-29", SafeguardingConfirmedOn: "2025-01-01" }, "2025-02-28")).toEqual([]);
  });
});

describe("the demo partnership's providers", () => {
  it("are valid Providers rows with a URN or UKPRN; the old safeguarding confirmation is flagged", () => {
    for (const row of demoProviders) {
      expect(fromListFields(providersList, toListFields(providersList, row)).ok, row.Name).toBe(true);
      expect(providerRowProblems(row), row.Name).toEqual([]);
    }
    expect(demoProviders.flatMap((r) => providerFlags(r, "2026-11-23")).map((f) => f.message)).toEqual([
      "North Works Training: its safeguarding checks were last confirmed on 2025-06-30, more than a year ago. Please ask the provider to confirm them again in writing.",
    ]);
  });
});
