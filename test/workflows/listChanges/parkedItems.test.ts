import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandboxPorts, type SandboxPorts } from "../placements/sandboxPorts";
import { memoryAppState } from "../../support/memoryAppState";
import { parkedScope, processListChanges, REPORT_PARKED_AFTER, type ListChangeHandler, type ParkedItem, type ParkedReport } from "../../../src/workflows/listChanges/processListChanges";
import { keepListsWatched, watchedList, type ListWatchPorts } from "../../../src/workflows/listChanges/watchedLists";
import { casesWatches } from "../../../src/workflows/cases/casesHandler";
import type { CasesRow, ReviewsRow } from "../../../src/domain/lists";
import type { GraphSubscription, GraphSubscriptions } from "../../../src/m365/graph/subscriptions";

/**
 * One item whose handler keeps failing never holds up its list: it is parked with its error, the delta link moves
 * on, the other items are handled, the Coordinator is told once, and later rounds try it again until it goes
 * through. Over the Graph sandbox's real Cases list (its delta), with a handler that fails on one item.
 */
let box: SandboxPorts;
beforeAll(async () => {
  box = await startSandboxPorts();
}, 90_000);
afterAll(async () => box?.stop());

function failingOn(broken: Set<string>, handled: string[]): ListChangeHandler<CasesRow> {
  return {
    items: box.app.lists.cases,
    watches: casesWatches,
    async changed(_before, item) {
      if (broken.has(item.id)) throw new Error(`the handler cannot handle item ${item.id} yet`);
      handled.push(item.id);
    },
  };
}

describe("a list with one failing item", () => {
  it("parks the item, handles the rest, moves the delta link on, tells the Coordinator once, and goes through once fixed", async () => {
    const state = memoryAppState();
    let clock = new Date("2026-11-23T09:00:00Z");
    const reports: ParkedReport[] = [];
    const ports = { state, now: () => clock, parked: async (r: ParkedReport) => void reports.push(r) };
    const refs = [await box.readyCase(101), await box.readyCase(102), await box.readyCase(103)];
    const ids = refs.map((ref) => box.items("Cases").find((c) => c.fields.Title === ref)!.id);
    const broken = new Set([ids[1]!]);
    const handled: string[] = [];
    const handler = failingOn(broken, handled);

    const first = await processListChanges(ports, handler);
    expect(first.parked).toBe(1);
    expect(handled).toEqual(expect.arrayContaining([ids[0], ids[2]]));
    expect(handled).not.toContain(ids[1]);
    const parked = (await state.get<ParkedItem>(parkedScope("Cases"), ids[1]!))?.value;
    expect(parked).toMatchObject({ attempts: 1, error: expect.stringContaining(`cannot handle item ${ids[1]}`) });

    // The link moved on: a new edit to another item is seen on its own, without the broken one coming back first.
    await box.edit("cases", ids[0]!, { Status: "In triage" });
    handled.length = 0;
    const second = await processListChanges(ports, handler);
    expect(second.seen).toBe(1);
    expect(handled).toEqual([ids[0]]);

    // Tried again when its wait is over (doubling from a minute); the Coordinator hears of it once, after a few tries.
    for (let i = 0; i < REPORT_PARKED_AFTER + 2; i++) {
      clock = new Date(clock.getTime() + 2 * 60 * 60_000);
      await processListChanges(ports, handler);
    }
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ list: "Cases", itemId: ids[1], attempts: REPORT_PARKED_AFTER });

    broken.clear();
    clock = new Date(clock.getTime() + 2 * 60 * 60_000);
    handled.length = 0;
    const fixed = await processListChanges(ports, handler);
    expect(handled).toEqual([ids[1]]);
    expect(fixed.parked).toBe(0);
    expect(await state.get(parkedScope("Cases"), ids[1]!)).toBeUndefined();
  }, 60_000);

  it("keeps the upkeep's backstop going for every list when the leftover effects fail", async () => {
    const state = memoryAppState();
    const lines: string[] = [];
    const handled: string[] = [];
    const reviews: ListChangeHandler<ReviewsRow> = { items: box.app.lists.reviews, watches: {}, changed: async (_b, item) => void handled.push(item.id) };
    const rounds = [watchedList(failingOn(new Set(), handled)), { name: "Broken", resource: async () => "x", round: async () => Promise.reject(new Error("Broken's delta failed")) }, watchedList(reviews)];
    const live: GraphSubscription = { id: "s", resource: "x", changeType: "updated", notificationUrl: "https://x", expirationDateTime: "2099-01-01T00:00:00Z" };
    const subscriptions: GraphSubscriptions = { create: async () => live, get: async () => live, renew: async () => live, delete: async () => undefined };
    const ports: ListWatchPorts = {
      subscriptions: { subscriptions, state, now: () => new Date("2026-11-23T09:00:00Z"), notificationUrl: "https://x", clientState: "c".repeat(20) },
      lists: rounds,
      changes: { state, now: () => new Date("2026-11-23T09:00:00Z") },
      carryOutLeftovers: async () => { throw new Error("a leftover email keeps failing"); },
      log: (m) => lines.push(m),
      pollMinutes: 5,
    };
    const report = await keepListsWatched(ports);
    expect(report.rounds.map((r) => r.list)).toEqual(["Cases", "Reviews"]);
    expect(report.failures.map((f) => f.job)).toEqual(["leftover case effects", "Broken round"]);
    expect(lines.join("\n")).toMatch(/Upkeep: leftover case effects failed[\s\S]*Upkeep: Broken round failed/);
  }, 60_000);
});
