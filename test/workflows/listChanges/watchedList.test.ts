import { describe, expect, it } from "vitest";
import { watchedList } from "../../../src/workflows/listChanges/watchedLists";
import { processListChanges, type ListChangeHandler } from "../../../src/workflows/listChanges/processListChanges";
import type { ItemChangeOf, ListItems } from "../../../src/m365/sharepoint/items";
import { memoryAppState } from "../../support/memoryAppState";

interface Row {
  CaseRef: string;
}

/** A list whose delta reads are counted and can be held open, so rounds can be made to overlap. */
function countedList() {
  let reads = 0;
  let release: (() => void) | undefined;
  let hold = false;
  const changes: ItemChangeOf<Row>[] = [];
  const items = {
    name: "Cases",
    async changesSince() {
      reads++;
      if (hold) await new Promise<void>((r) => (release = r));
      return { changes: changes.splice(0), deltaLink: `link-${reads}` };
    },
  } as unknown as ListItems<Row>;
  const handled: string[] = [];
  const handler: ListChangeHandler<Row> = { items, watches: {}, changed: async (_b, item) => void handled.push(item.id) };
  return {
    handler,
    handled,
    reads: () => reads,
    change: (id: string) => changes.push({ kind: "changed", item: { id, etag: "e", row: { CaseRef: id } }, watched: { v: id } }),
    hold: () => (hold = true),
    release: () => {
      hold = false;
      release?.();
    },
  };
}

describe("a watched list's rounds in one process", () => {
  it("run one at a time, and a notification received before a finished round started costs no delta read", async () => {
    const list = countedList();
    const watched = watchedList(list.handler);
    let clock = Date.parse("2026-12-02T09:00:00Z");
    const ports = { state: memoryAppState(), now: () => new Date(clock) };
    list.change("1");
    list.hold();
    const first = watched.round(ports, new Date(clock - 10));
    await new Promise((r) => setTimeout(r, 5));
    // Notifications arriving while the first round runs (its own writes', say), received after it started.
    clock += 5;
    const second = watched.round(ports, new Date(clock));
    const third = watched.round(ports, new Date(clock));
    await new Promise((r) => setTimeout(r, 10));
    expect(list.reads()).toBe(1); // the others wait for it
    clock += 5;
    list.release();
    const [a, b, c] = await Promise.all([first, second, third]);
    expect(a.skipped).toBe(false);
    // Both asked while the first ran: one more round, started after they were received, covers them both.
    expect(b.skipped).toBe(false);
    expect(c).toBe(b);
    expect(list.reads()).toBe(2);
    expect(list.handled).toEqual(["1"]);
    // Received before that round started: nothing to read.
    const covered = await watched.round(ports, new Date(clock - 1));
    expect(covered.skipped).toBe(true);
    expect(list.reads()).toBe(2);
  });

  it("a round joined by a later notification (or an upkeep run) is not skipped for the earlier one's sake", async () => {
    const list = countedList();
    const watched = watchedList(list.handler);
    let clock = Date.parse("2026-12-02T09:00:00Z");
    const ports = { state: memoryAppState(), now: () => new Date(clock) };
    list.hold();
    const first = watched.round(ports, new Date(clock - 10)); // starts at T
    await new Promise((r) => setTimeout(r, 5));
    const early = watched.round(ports, new Date(clock - 5)); // received before T: alone, it would be covered
    clock += 20;
    list.change("9");
    const late = watched.round(ports, new Date(clock)); // received after T: the joined round must read
    const upkeep = watched.round(ports); // no notification: must run
    list.release();
    await first;
    const [e, l, u] = await Promise.all([early, late, upkeep]);
    expect(e).toBe(l);
    expect(u).toBe(l);
    expect(l.skipped).toBe(false);
    expect(list.handled).toEqual(["9"]);
  });

  it("never skips a notification received after the latest finished round started, and goes on after a failed round", async () => {
    const list = countedList();
    const watched = watchedList(list.handler);
    let clock = Date.parse("2026-12-02T09:00:00Z");
    const ports = { state: memoryAppState(), now: () => new Date(clock) };
    await watched.round(ports, new Date(clock - 1));
    clock += 100;
    list.change("2");
    const later = await watched.round(ports, new Date(clock - 50));
    expect(later.skipped).toBe(false);
    expect(list.handled).toEqual(["2"]);

    // A round fails when its delta read does (a handler's failure only parks its item: the round goes on).
    let graphDown = true;
    const items = list.handler.items;
    const flaky = {
      ...items,
      changesSince: (...args: Parameters<typeof items.changesSince>) => (graphDown ? Promise.reject(new Error("Graph is down")) : items.changesSince(...args)),
    } as ListItems<Row>;
    const failing = watchedList({ ...list.handler, items: flaky });
    list.change("3");
    await expect(failing.round(ports, new Date(clock))).rejects.toThrow("Graph is down");
    graphDown = false;
    clock += 10;
    const retried = await failing.round(ports, new Date(clock - 5));
    expect(retried.skipped).toBe(false);
    expect(list.handled).toEqual(["2", "3"]);
  });

  it("carries out what a handler left until after its round in the invocation that asked for it, without holding up the list's next round", async () => {
    const list = countedList();
    // The handler writes its state in the round and leaves its effects until after it: item 1's email waits (held).
    let releaseEmail: (() => void) | undefined;
    const effects: string[] = [];
    const handler: ListChangeHandler<Row> = {
      ...list.handler,
      changed: async (_b, item, _now, round) => {
        list.handled.push(item.id);
        round?.afterRound(async () => {
          if (item.id === "1") await new Promise<void>((r) => (releaseEmail = r));
          effects.push(item.id);
        });
      },
    };
    const watched = watchedList(handler);
    let clock = Date.parse("2026-12-02T09:00:00Z");
    const ports = { state: memoryAppState(), now: () => new Date(clock) };
    list.change("1");
    let firstEnded = false;
    const first = watched.round(ports, new Date(clock - 1)).then((r) => ((firstEnded = true), r));
    await new Promise((r) => setTimeout(r, 10));
    expect(list.handled).toEqual(["1"]);
    expect(effects).toEqual([]);
    // The next edit's round runs, and its effects are carried out, while item 1's email still waits.
    clock += 20;
    list.change("2");
    const second = await watched.round(ports, new Date(clock - 1));
    expect(second.skipped).toBe(false);
    expect(list.handled).toEqual(["1", "2"]);
    expect(effects).toEqual(["2"]);
    expect(firstEnded).toBe(false); // the invocation that asked for round 1 ends only once its effects are carried out
    releaseEmail?.();
    expect((await first).handled).toBe(1);
    expect(effects).toEqual(["2", "1"]);
  });

  it("called on its own, a round carries out what its handlers left until after it before returning", async () => {
    const list = countedList();
    const effects: string[] = [];
    const handler: ListChangeHandler<Row> = { ...list.handler, changed: async (_b, item, _now, round) => round?.afterRound(async () => void effects.push(item.id)) };
    list.change("7");
    const report = await processListChanges({ state: memoryAppState(), now: () => new Date("2026-12-02T09:00:00Z") }, handler);
    expect(report.handled).toBe(1);
    expect(effects).toEqual(["7"]);
  });

  it("carries out the effects of the items a round handled even when the round then fails (their states are written)", async () => {
    const list = countedList();
    const effects: string[] = [];
    const handler: ListChangeHandler<Row> = { ...list.handler, changed: async (_b, item, _now, round) => round?.afterRound(async () => void effects.push(item.id)) };
    const state = memoryAppState();
    // The cursor cannot be saved: the round fails after handling item 4.
    const failing = { ...state, put: async <T>(scope: string, name: string, value: T, expected?: string) => (scope === "delta" ? Promise.reject(new Error("storage is down")) : state.put(scope, name, value, expected)) };
    list.change("4");
    await expect(watchedList(handler).round({ state: failing, now: () => new Date("2026-12-02T09:00:00Z") })).rejects.toThrow("storage is down");
    expect(effects).toEqual(["4"]);
  });
});
