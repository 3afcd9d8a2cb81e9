import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CalendarArea, MailArea, SitesArea } from "../../sandbox/graph/areas";
import { demoHistory, seedDemoHistory, type DemoHistory } from "../../sandbox/demo/demoHistory";
import { demoSite } from "../../sandbox/demo/demoTenant";
import { runDueDirectorsWeek } from "../../src/workflows/reports/directorsWeekRound";
import { produceProgressSummary } from "../../src/workflows/reports/progressSummaryRound";
import { startReportsSandbox, type ReportsSandbox } from "../support/reportsSandbox";

/**
 * `npm start`'s demo history (sandbox/demo/demoHistory.ts), seeded as of Wednesday 2 December 2026: the app reading
 * every list at start-up finds it at rest (no email, no event, no item changed), and the Director's week and the
 * 2025/26 summary have something to show.
 */
let box: ReportsSandbox;
let history: DemoHistory;
const today = "2026-12-02";

beforeAll(async () => {
  box = await startReportsSandbox({}, "2026-12-02T10:00:00Z");
  const sites = box.graph.area<SitesArea>("sites");
  history = demoHistory(today);
  // As npm start seeds it, but for this day (the sandbox's own clock is the machine's).
  seedDemoHistory({ ...box.graph.context, now: () => new Date("2026-12-02T10:00:00Z") }, [sites]);
}, 90_000);
afterAll(async () => box?.stop());

describe("the demo's history", () => {
  it("is a year and a term of cases, placements, reviews with bands, qualifications, exits, visits and marks", () => {
    const count = (rows: { CaseRef: string }[]) => new Set(rows.map((r) => r.CaseRef)).size;
    expect(history.placements.filter((p) => p.PlacementStatus === "active")).toHaveLength(20);
    expect(history.placements.filter((p) => p.PlacementStatus === "ended" && p.EndDate! <= "2026-07-10").length).toBeGreaterThanOrEqual(18);
    expect(history.reviews.filter((r) => r.EnglishProgress).length).toBeGreaterThan(20);
    expect(count(history.qualifications)).toBeGreaterThanOrEqual(12);
    expect(history.placements.filter((p) => p.Destination).length).toBeGreaterThanOrEqual(18);
    expect(history.marks.length).toBeGreaterThan(1000);
    expect(history.marks.every((m) => m.Date < today)).toBe(true);
    expect(count(history.visits)).toBe(20);
  });

  it("is at rest: the app reading every list at start-up sends nothing, books nothing and changes nothing", async () => {
    const sites = box.graph.area<SitesArea>("sites");
    const siteId = sites.siteIdByPath(demoSite.hostname, demoSite.path);
    const snapshot = () => ["Cases", "Placements", "Reviews", "Attendance"].map((l) => sites.itemRecords(siteId, l).map((i) => `${i.id}:${i.version}`).join(","));
    const before = snapshot();
    // Each watched list's first delta round, as the upkeep timer runs them at start-up: every item is new to the app.
    const seen: Record<string, number> = {};
    for (const list of box.app.watched) seen[list.name] = (await list.round({ state: box.app.tables.state, now: box.app.now, log: () => undefined })).seen;
    // The tenant's own closed Inclusion Forum case (demoForumCase, which the demo referral names) is read with the history's.
    expect(seen).toMatchObject({ Cases: history.cases.length + 1, Placements: history.placements.length, Reviews: history.reviews.length, Attendance: history.marks.length });
    expect(box.graph.area<MailArea>("mail").sentItems("partnership@lncip.example")).toEqual([]);
    expect(box.graph.area<CalendarArea>("calendar").events("partnership@lncip.example")).toEqual([]);
    expect(snapshot()).toEqual(before);
  }, 120_000);

  it("gives the Director's week and the 2025/26 summary something to show", async () => {
    expect(await runDueDirectorsWeek(box.app.ports.reports, box.app.now())).toMatchObject({ kind: "sent", weekOf: "2026-11-30", problems: [] });
    const mail = box.inbox("director@lncip.example").find((m) => m.subject === "Director's week: w/c 30 Nov 2026")!;
    expect(mail.body.content).toContain("Decisions last week (2)");
    expect(mail.body.content).toContain("Awaiting triage (2)");
    expect(mail.body.content).toMatch(/Reviews overdue \([1-9]/);
    expect(mail.body.content).toContain("Starts");
    expect(mail.body.content).toContain("Ends");
    const { summary, problems } = await produceProgressSummary(box.app.ports.reports, "2025/26", today);
    expect(problems).toEqual([]);
    expect(summary.ks4.year11Leavers).toBe(10);
    expect(summary.ks3.english.students).toBeGreaterThan(5);
    expect(summary.ks4.attainment5Premier.count).toBeGreaterThan(0);
    expect(summary.ks4.attainment5Preliminary.count).toBeGreaterThan(0);
    expect(summary.ks4.cCap30.of).toBe(12);
  }, 120_000);
});
