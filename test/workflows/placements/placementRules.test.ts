import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandboxPorts, type SandboxPorts } from "./sandboxPorts";
import { schoolCalendarFor, shippedCalendars } from "../../../src/domain/calendar";
import { defaultChargeRates, placementCharge } from "../../../src/domain/charges";
import type { CoreGroupOutcome } from "../../../src/domain/case";
import type { CasesRow } from "../../../src/domain/lists";
import { daysOffSite, weeklyPatternSchema } from "../../../src/domain/placement";
import { dailyRound } from "../../../src/workflows/dailyRound/dailyRound";
import { demoSite, demoStaff } from "../../../sandbox/demo/demoTenant";
import type { SitesArea } from "../../../sandbox/graph/areas/sites";

/**
 * Issue 13's placement rules against the Graph sandbox and Azurite through the app's own ports: a decided case's
 * placement set up from Core Group's decision and the Providers list, the Coordinator's edits made as a person in the
 * sandbox's SharePoint (`patchAsPerson`) and picked up by the lists' delta rounds (the path a change notification
 * takes), the daily round run at the clock the test sets. The Placements list and the mailboxes are asserted.
 */
let s: SandboxPorts;
let sites: SitesArea;
let siteId: string;
const leicestershire = schoolCalendarFor(shippedCalendars.leicestershire!);
const placementOf = (ref: string) => s.items("Placements").filter((p) => p.fields.Title === ref).sort((a, b) => Number(b.id) - Number(a.id))[0]!;
const patternOf = (ref: string) => weeklyPatternSchema.parse(JSON.parse(String(placementOf(ref).fields.Pattern)));
const where = (ref: string) => Object.values(patternOf(ref)).map((d) => d.location);
const told = (who: string, subject: string) => s.inbox(who).filter((m) => m.subject === subject);

/** A case Core Group has just decided for Programme Management (the chair's press in Teams: the same command). */
async function decided(n: number, o: { year: number; outcome: CoreGroupOutcome; ehcp?: boolean; pupilPremium?: boolean; topUpPounds?: number; poFrom?: string; poTo?: string }): Promise<string> {
  const ref = `LNCIP-2026-${String(n).padStart(4, "0")}`;
  const row: CasesRow = {
    CaseRef: ref, Status: "readyForCoreGroup", WorkflowStatus: "readyForCoreGroup", Named: true, KeyStage: o.year <= 9 ? "KS3" : "KS4", ReceivedAt: "2026-11-02T09:00:00Z", WorkflowVersion: 3,
    RequestType: "partnershipReferral", ParentalConsent: true, YearGroup: o.year, SendStatus: o.ehcp ? "ehcp" : "senSupport", LookedAfter: false, PupilPremium: o.pupilPremium ?? false,
    SchoolUrn: "120345", ReferrerEmail: "s.oconnor@oakfield.example", PreviousIfCase: "LNCIP-2025-0031", PurchaseOrderNumber: `PO-${n}`, FundingSources: ["awpu"],
    PoValidFrom: o.poFrom ?? "2026-11-02", PoValidTo: o.poTo ?? "2027-08-31", PoSendTopUp: o.topUpPounds,
  };
  await s.app.lists.cases.create(row);
  expect(await s.apply(ref, { kind: "recordDecision", outcome: o.outcome, source: "teams", by: "chair@oakfieldacade.example", at: s.app.now().toISOString() })).toMatchObject({ ok: true, state: { status: "decided" } });
  return ref;
}

/** The lists' delta rounds until nothing is left to handle (what the change notifications set off). */
async function rounds(): Promise<void> {
  for (let i = 0; i < 8; i++) {
    let handled = 0;
    for (const list of s.app.watched) handled += (await list.round(s.app.ports.listWatch.changes)).handled;
    if (handled === 0) return;
  }
}

/** The Coordinator's edit of a case's placement in SharePoint, as a person, then the rounds it sets off. */
async function coordinatorEdits(ref: string, fields: Record<string, unknown>): Promise<void> {
  sites.patchAsPerson(siteId, "Placements", placementOf(ref).id, fields, demoStaff.coordinator);
  await rounds();
}

beforeAll(async () => {
  s = await startSandboxPorts({ PLACES_KS3: "30", PLACES_KS4: "30" });
  sites = s.graph.area<SitesArea>("sites");
  siteId = sites.siteIdByPath(demoSite.hostname, demoSite.path);
  await rounds(); // the lists as they stand: nothing in them asks for anything
}, 90_000);
afterAll(async () => s?.stop());

describe("placements follow Core Group's decision", () => {
  it("part-time or full-time sets the weekly pattern: the offer's Year 7–8, Year 9 and Key Stage 4 patterns, part-time with fewer days off site", async () => {
    const cases = {
      y8PartTime: await decided(101, { year: 8, outcome: "programmeManagementPartTime" }),
      y8FullTime: await decided(102, { year: 8, outcome: "programmeManagementFullTime" }),
      y9PartTime: await decided(103, { year: 9, outcome: "programmeManagementPartTime" }),
      y9FullTime: await decided(104, { year: 9, outcome: "programmeManagementFullTime" }),
      y10PartTime: await decided(105, { year: 10, outcome: "programmeManagementPartTime" }),
      y11FullTime: await decided(106, { year: 11, outcome: "programmeManagementFullTime" }),
    };
    // Years 7–8: one centre day, two AP days, two days back at school; part-time keeps one AP day.
    expect(where(cases.y8FullTime)).toEqual(["centre", "alternativeProvision", "homeSchool", "alternativeProvision", "homeSchool"]);
    expect(where(cases.y8PartTime)).toEqual(["centre", "alternativeProvision", "homeSchool", "homeSchool", "homeSchool"]);
    // Year 9: two centre days and three AP days; part-time three days off site.
    expect(where(cases.y9FullTime)).toEqual(["centre", "alternativeProvision", "centre", "alternativeProvision", "alternativeProvision"]);
    expect(where(cases.y9PartTime)).toEqual(["centre", "alternativeProvision", "homeSchool", "alternativeProvision", "homeSchool"]);
    expect(daysOffSite(patternOf(cases.y10PartTime))).toBe(3);
    expect(daysOffSite(patternOf(cases.y11FullTime))).toBe(5);
    // The AP days go to the first provider in the Providers list, with the hours a week there written down.
    expect(patternOf(cases.y9PartTime).tuesday.provider).toMatchObject({ id: "riverside", registered: false });
    expect(placementOf(cases.y9PartTime).fields.ProviderHours).toBe("Riverside Alternative Provision (riverside): 13");
    expect(placementOf(cases.y9FullTime).fields.ProviderHours).toBe("Riverside Alternative Provision (riverside): 19.5");
    expect(placementOf(cases.y8PartTime).fields.ProviderHours).toBe("Riverside Alternative Provision (riverside): 6.5");
  });

  it("checks the Coordinator's best-fit edit of the pattern: a good one is kept (hours at each provider with it); one that is not a week is put back and the Coordinator told why", async () => {
    const ref = "LNCIP-2026-0103"; // Year 9, part-time
    const original = patternOf(ref);
    const riverside = original.tuesday.provider!;
    const hillview = { id: "hillview", name: "Hillview Independent School", registered: true };
    const bestFit = { ...original, tuesday: { location: "alternativeProvision", hours: 5, provider: hillview }, thursday: { location: "alternativeProvision", hours: 6.5, provider: riverside } };
    await coordinatorEdits(ref, { Pattern: JSON.stringify(bestFit) });
    expect(patternOf(ref).tuesday).toMatchObject({ hours: 5, provider: { id: "hillview" } });
    expect(placementOf(ref).fields.ProviderHours).toBe("Hillview Independent School (hillview): 5; Riverside Alternative Provision (riverside): 6.5");

    const subject = `${ref}: the weekly pattern was not changed`;
    const { tuesday: _gone, ...noTuesday } = bestFit;
    await coordinatorEdits(ref, { Pattern: JSON.stringify(noTuesday) });
    expect(patternOf(ref)).toEqual(weeklyPatternSchema.parse(bestFit));
    expect(told(demoStaff.coordinator, subject)).toHaveLength(1);
    expect(told(demoStaff.coordinator, subject)[0]!.body.content).toContain("Tuesday has no setting: say where the pupil is");

    await coordinatorEdits(ref, { Pattern: JSON.stringify({ ...bestFit, saturday: { location: "centre", hours: 6.5 } }) });
    expect(told(demoStaff.coordinator, subject)[1]!.body.content).toContain("A week has five school days; this pattern has 6.");
    await coordinatorEdits(ref, { Pattern: JSON.stringify({ ...bestFit, wednesday: { location: "alternativeProvision", hours: 6.5 } }) });
    expect(told(demoStaff.coordinator, subject)[2]!.body.content).toContain("Wednesday is at alternative provision but names no provider");
    // Part-time is fewer than five days off site: off site every day is Core Group's decision to change.
    const everyDay = { ...bestFit, wednesday: { location: "centre", hours: 6.5 }, friday: { location: "centre", hours: 6.5 } };
    await coordinatorEdits(ref, { Pattern: JSON.stringify(everyDay) });
    expect(told(demoStaff.coordinator, subject)[3]!.body.content).toContain("A part-time programme has fewer than five days off site");
    expect(told(demoStaff.coordinator, subject)).toHaveLength(4);
    expect(patternOf(ref)).toEqual(weeklyPatternSchema.parse(bestFit));
    expect(placementOf(ref).fields.ProviderHours).toBe("Hillview Independent School (hillview): 5; Riverside Alternative Provision (riverside): 6.5");
  });
});

describe("providers: the unregistered-school rule, both limbs, and checks due", () => {
  it("refuses to start a placement that would make an unregistered provider educate 5 of the partnership's pupils for more than 18 hours a week, in words", async () => {
    s.setClock("2026-11-23T10:00:00Z");
    const fourAtRiverside: string[] = [];
    for (const n of [201, 202, 203, 204]) {
      const ref = await decided(n, { year: 9, outcome: "programmeManagementFullTime" });
      expect(placementOf(ref).fields.ProviderHours).toBe("Riverside Alternative Provision (riverside): 19.5");
      await coordinatorEdits(ref, { PlacementStatus: "Active" });
      expect(s.items("Cases").find((c) => c.fields.Title === ref)!.fields.Status).toBe("In placement");
      fourAtRiverside.push(ref);
    }
    // A fifth full-time pupil: Riverside would be over the limit, so the set-up chooses the next provider.
    const fifth = await decided(205, { year: 9, outcome: "programmeManagementFullTime" });
    expect(placementOf(fifth).fields.ProviderHours).toBe("North Works Training (north-works): 19.5");
    // The Coordinator moves the AP days to Riverside (a good pattern) and starts it: refused, put back, told why.
    const atRiverside = Object.fromEntries(Object.entries(patternOf(fifth)).map(([d, day]) => [d, day.location === "alternativeProvision" ? { ...day, provider: patternOf(fourAtRiverside[0]!).tuesday.provider } : day]));
    await coordinatorEdits(fifth, { Pattern: JSON.stringify(atRiverside), PlacementStatus: "Active" });
    expect(placementOf(fifth).fields.PlacementStatus).toBe("Setting up");
    expect(s.items("Cases").find((c) => c.fields.Title === fifth)!.fields.Status).toBe("Decided");
    const [refusal] = told(demoStaff.coordinator, `${fifth}: the placement could not start`);
    expect(refusal!.body.content).toContain(`Riverside Alternative Provision is not a registered school: starting ${fifth} would make it educate 5 of the partnership&#39;s pupils for more than 18 hours a week`);
  });

  it("refuses to start a placement giving one pupil with an EHCP more than 18 hours a week at an unregistered provider", async () => {
    const ref = await decided(206, { year: 10, outcome: "programmeManagementFullTime", ehcp: true });
    expect(patternOf(ref).tuesday.provider?.id).toBe("hillview"); // the first provider the rule allows
    const northWorks = { id: "north-works", name: "North Works Training", registered: false };
    const moved = Object.fromEntries(Object.entries(patternOf(ref)).map(([d, day]) => [d, day.location === "alternativeProvision" ? { ...day, provider: northWorks } : day]));
    await coordinatorEdits(ref, { Pattern: JSON.stringify(moved), PlacementStatus: "Active" });
    expect(placementOf(ref).fields.PlacementStatus).toBe("Setting up");
    expect(told(demoStaff.coordinator, `${ref}: the placement could not start`)[0]!.body.content).toContain(`North Works Training is not a registered school, and ${ref}&#39;s pupil has an EHCP: 19.5 hours a week there is likely full-time education`);
  });

  it("flags a provider in use whose safeguarding confirmation is over a year old to the Coordinator, once", async () => {
    // North Works' checks were last confirmed on 30 June 2025; the fifth placement above names it.
    const subject = "North Works Training: provider checks due";
    expect(told(demoStaff.coordinator, subject)).toHaveLength(1);
    expect(told(demoStaff.coordinator, subject)[0]!.body.content).toContain("its safeguarding checks were last confirmed on 2025-06-30, more than a year ago");
    s.setClock("2026-11-24T08:00:00Z");
    await dailyRound(s.work);
    await dailyRound(s.work);
    expect(told(demoStaff.coordinator, subject)).toHaveLength(1);
    // Riverside's (October 2026) and Hillview's (September 2026) checks are current.
    expect(s.inbox(demoStaff.coordinator).filter((m) => m.subject.endsWith("provider checks due"))).toHaveLength(1);
  });
});

describe("charges as the offer says, against a purchase order", () => {
  it("charges per school day off site: the average pupil cost pro rata, the pupil premium when eligible and the PO's SEND top-up; part-time costs less", async () => {
    s.setClock("2026-11-26T10:00:00Z");
    const partTime = await decided(301, { year: 9, outcome: "programmeManagementPartTime", pupilPremium: true, topUpPounds: 6000 });
    const fullTime = await decided(302, { year: 9, outcome: "programmeManagementFullTime" });
    // Riverside is at its limit of full-time pupils: the full-time one goes elsewhere (its charge does not depend on where).
    for (const ref of [partTime, fullTime]) await coordinatorEdits(ref, { StartDate: "2026-11-30", PlacementStatus: "Active" });
    s.setClock("2026-12-04T08:00:00Z");
    await dailyRound(s.work);
    // Three days off site in the week of 30 November, of the 191 school days in 2026/27: £6,771, £1,075 and £6,000 a year
    // pro rata (hand-checked: 10,635 + 1,688 + 9,424 pence).
    expect(placementOf(partTime).fields).toMatchObject({ ChargeToDatePence: 21747, ChargeUpdatedOn: "2026-12-04" });
    const full = placementCharge(leicestershire, { pattern: patternOf(fullTime), keyStage: "KS3", placementStart: "2026-11-30", periodStart: "2026-11-30", periodEnd: "2026-12-04", pupilPremium: false }, defaultChargeRates);
    expect(full).toMatchObject({ schoolDaysOffSite: 5, pupilPremiumPence: 0, sendTopUpPence: 0 });
    expect(placementOf(fullTime).fields.ChargeToDatePence).toBe(full.totalPence);
    expect(full.averagePupilCostPence).toBeGreaterThan(10635); // five days off site cost more than three
  });

  it("asks the school's finance contact for a new PO three weeks before it ends (on the last school day before, when that falls in a holiday), once", async () => {
    s.setClock("2026-11-26T10:00:00Z");
    const spring = await decided(303, { year: 10, outcome: "programmeManagementPartTime", poTo: "2027-02-12" });
    const summer = await decided(304, { year: 10, outcome: "programmeManagementPartTime" }); // to 31 August
    for (const ref of [spring, summer]) await coordinatorEdits(ref, { StartDate: "2026-11-30", PlacementStatus: "Active" });
    const finance = "finance@oakfieldacad.example";
    for (const [clock, expected] of [["2027-01-21", 0], ["2027-01-22", 1], ["2027-01-25", 1]] as const) {
      s.setClock(`${clock}T08:00:00Z`);
      await dailyRound(s.work);
      expect(told(finance, `${spring}: a new purchase order is needed after 2027-02-12`), clock).toHaveLength(expected);
    }
    // 31 August less three weeks is 10 August, in the summer holiday: asked on the last day of the summer term.
    for (const [clock, expected] of [["2027-07-08", 0], ["2027-07-09", 1]] as const) {
      s.setClock(`${clock}T08:00:00Z`);
      await dailyRound(s.work);
      expect(told(finance, `${summer}: a new purchase order is needed after 2027-08-31`), clock).toHaveLength(expected);
    }
  });

  it("no PO, no placement: a start its PO does not cover (last academic year's) is refused in words; a placement running past its PO is told to the school and the Coordinator", async () => {
    s.setClock("2026-11-26T10:00:00Z");
    const lastYears = await decided(305, { year: 10, outcome: "programmeManagementPartTime", poFrom: "2026-03-02", poTo: "2026-08-31" });
    await coordinatorEdits(lastYears, { PlacementStatus: "Active" });
    expect(placementOf(lastYears).fields.PlacementStatus).toBe("Setting up");
    expect(told(demoStaff.coordinator, `${lastYears}: the placement could not start`)[0]!.body.content).toContain("PO-305 covers the 2025/26 academic year: the new academic year (2026/27) needs a new purchase order before the placement continues.");

    const shortPo = await decided(306, { year: 10, outcome: "programmeManagementPartTime", poFrom: "2026-11-26", poTo: "2026-12-11" });
    await coordinatorEdits(shortPo, { StartDate: "2026-11-30", PlacementStatus: "Active" });
    s.setClock("2026-12-14T08:00:00Z");
    await dailyRound(s.work);
    await dailyRound(s.work);
    const gap = `${shortPo}: a new purchase order is needed before the placement continues`;
    for (const who of ["finance@oakfieldacad.example", demoStaff.coordinator]) {
      expect(told(who, gap), who).toHaveLength(1);
      expect(told(who, gap)[0]!.body.content).toContain("PO-306 ended on 2026-12-11: the school must send a new purchase order before the placement continues.");
    }
    // The renewal was asked for as soon as the placement ran (its three weeks' notice had already come).
    expect(told("finance@oakfieldacad.example", `${shortPo}: a new purchase order is needed after 2026-12-11`)).toHaveLength(1);
  });
});
