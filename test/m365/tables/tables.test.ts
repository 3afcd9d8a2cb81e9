import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestAzurite, type TestAzurite } from "../../support/azurite";
import {
  appState,
  auditTrail,
  caseNumberAllocator,
  effectLedger,
  EffectInProgressError,
  openCaseIndex,
  MAX_TABLE_KEY_CHARS,
  StaleStateError,
  tableKey,
  submissionStore,
  tableStore,
} from "../../../src/m365/tables";

let azurite: TestAzurite;
let n = 0;
const table = (name: string) => tableStore(azurite.connectionString, `${name}${++n}`);

beforeAll(async () => {
  azurite = await startTestAzurite();
}, 60_000);
afterAll(async () => {
  await azurite?.stop();
});

describe("caseNumberAllocator", () => {
  it("numbers submissions 1, 2, 3 and gives a retried submission its own number again", async () => {
    const numbers = caseNumberAllocator(table("CaseNumbers"));
    expect(await numbers.allocate("LNCIP", 2026, "r-1")).toBe(1);
    expect(await numbers.allocate("LNCIP", 2026, "r-2")).toBe(2);
    expect(await numbers.allocate("LNCIP", 2026, "r-1")).toBe(1);
    expect(await numbers.allocate("LNCIP", 2027, "r-3")).toBe(1);
    expect(await numbers.allocate("LNCIP", 2026, "r-4")).toBe(3);
  });

  it("has no gaps and no clashes when 40 submissions arrive at once (some twice)", async () => {
    const store = table("CaseNumbers");
    const allocators = [caseNumberAllocator(store), caseNumberAllocator(tableStore(azurite.connectionString, store.client.tableName))];
    const ids = Array.from({ length: 40 }, (_, i) => `r-${i}`);
    const requests = [...ids, ...ids.slice(0, 10)].map((id, i) => allocators[i % 2]!.allocate("LNCIP", 2026, id).then((num) => [id, num] as const));
    const results = await Promise.all(requests);
    const byId = new Map<string, number>();
    for (const [id, num] of results) {
      if (byId.has(id)) expect(byId.get(id)).toBe(num);
      byId.set(id, num);
    }
    expect([...byId.values()].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });
});

describe("effectLedger", () => {
  it("does the work once and returns the recorded result to every repeat", async () => {
    const ledger = effectLedger(table("Effects"));
    let sent = 0;
    const send = async () => ++sent;
    expect(await ledger.once("ack:LNCIP-2026-0001", send)).toEqual({ result: 1, firstTime: true });
    expect(await ledger.once("ack:LNCIP-2026-0001", send)).toEqual({ result: 1, firstTime: false });
    expect(sent).toBe(1);
    expect(await ledger.get("ack:LNCIP-2026-0001")).toBe(1);
  });

  it("lets a failed attempt be retried at once", async () => {
    const ledger = effectLedger(table("Effects"));
    await expect(ledger.once("card:x", async () => { throw new Error("Graph is down"); })).rejects.toThrow("Graph is down");
    expect(await ledger.once("card:x", async () => "posted")).toEqual({ result: "posted", firstTime: true });
  });

  it("refuses a concurrent attempt while one is in progress", async () => {
    const ledger = effectLedger(table("Effects"));
    let release!: () => void;
    const first = ledger.once("mail:y", () => new Promise<string>((r) => (release = () => r("sent"))));
    await new Promise((r) => setTimeout(r, 100));
    await expect(ledger.once("mail:y", async () => "again")).rejects.toBeInstanceOf(EffectInProgressError);
    release();
    expect((await first).result).toBe("sent");
  });

  it("after a crash (a stale claim), asks whether the effect happened before doing it again", async () => {
    const store = table("Effects");
    let clock = new Date("2026-11-23T09:00:00Z");
    const ledger = effectLedger(store, { now: () => clock, claimTtlMs: 60_000 });
    // A claim left behind by a process that died mid-effect:
    await store.ready();
    await store.client.createEntity({ partitionKey: "mail", rowKey: "mail:z", state: "started", startedAt: clock.toISOString() });
    await expect(ledger.once("mail:z", async () => "again")).rejects.toBeInstanceOf(EffectInProgressError);
    clock = new Date(clock.getTime() + 61_000);
    let redone = false;
    let askedSince: Date | undefined;
    const outcome = await ledger.once("mail:z", async () => ((redone = true), "again"), { alreadyDone: async (claimedAt) => ((askedSince = claimedAt), "found in Sent Items") });
    expect(outcome).toEqual({ result: "found in Sent Items", firstTime: false });
    expect(redone).toBe(false);
    // …asking about the dead attempt's claim, so "sent since then" can tell its email from an older one.
    expect(askedSince?.toISOString()).toBe("2026-11-23T09:00:00.000Z");
  });
});

describe("effectLedger under slow workers", () => {
  /** A heartbeat the test beats by hand (no real timers): the ledger hands it the renewal. */
  const manualHeartbeat = () => {
    const beats: (() => Promise<void>)[] = [];
    return { beat: () => Promise.all(beats.map((b) => b())), heartbeat: (renew: () => Promise<void>) => (beats.push(renew), () => beats.splice(beats.indexOf(renew), 1)) };
  };
  const gate = () => {
    let open!: (v: string) => void;
    let fail!: (e: Error) => void;
    const promise = new Promise<string>((resolve, reject) => ((open = resolve), (fail = reject)));
    return { promise, open, fail };
  };

  it("renews a live worker's claim while it works, so a slow effect is never taken over and done twice", async () => {
    const store = table("Effects");
    let clock = new Date("2026-11-23T09:00:00Z");
    const hb = manualHeartbeat();
    const slow = effectLedger(store, { now: () => clock, claimTtlMs: 60_000, heartbeat: hb.heartbeat });
    const other = effectLedger(store, { now: () => clock, claimTtlMs: 60_000 });
    const work = gate();
    let sends = 0;
    const first = slow.once("mail:slow", async () => ((sends += 1), work.promise));
    await new Promise((r) => setTimeout(r, 200));
    // Graph keeps the worker waiting on Retry-After for minutes; its heartbeat renews the claim every 20 seconds.
    for (let i = 0; i < 9; i++) {
      clock = new Date(clock.getTime() + 20_000);
      await hb.beat();
    }
    await expect(other.once("mail:slow", async () => ((sends += 1), "again"))).rejects.toBeInstanceOf(EffectInProgressError);
    work.open("sent");
    expect(await first).toEqual({ result: "sent", firstTime: true });
    expect(sends).toBe(1);
  });

  it("never lets a stalled worker overwrite the record of the attempt that took its effect over", async () => {
    const store = table("Effects");
    let clock = new Date("2026-11-23T09:00:00Z");
    const reports: string[] = [];
    const stalled = effectLedger(store, { now: () => clock, claimTtlMs: 60_000, heartbeat: () => () => undefined, report: (m) => reports.push(m) });
    const rescuer = effectLedger(store, { now: () => clock, claimTtlMs: 60_000 });
    const work = gate();
    const first = stalled.once("card:stalled", () => work.promise);
    await new Promise((r) => setTimeout(r, 200));
    clock = new Date(clock.getTime() + 61_000); // the stalled worker's claim has gone stale (it could not renew)
    expect(await rescuer.once("card:stalled", async () => "posted by the rescuer", { alreadyDone: async () => undefined })).toEqual({ result: "posted by the rescuer", firstTime: true });
    work.open("posted by the stalled worker");
    await first;
    expect(await rescuer.get("card:stalled")).toBe("posted by the rescuer");
    expect(reports.join("\n")).toMatch(/card:stalled: another attempt took it over/);
  });

  it("never lets a stalled worker's failure release the claim of the attempt that took its effect over", async () => {
    const store = table("Effects");
    let clock = new Date("2026-11-23T09:00:00Z");
    const stalled = effectLedger(store, { now: () => clock, claimTtlMs: 60_000, heartbeat: () => () => undefined });
    const rescuer = effectLedger(store, { now: () => clock, claimTtlMs: 60_000 });
    const third = effectLedger(store, { now: () => clock, claimTtlMs: 60_000 });
    const stalledWork = gate();
    const rescuerWork = gate();
    const first = stalled.once("mail:race", () => stalledWork.promise);
    await new Promise((r) => setTimeout(r, 200));
    clock = new Date(clock.getTime() + 61_000);
    const second = rescuer.once("mail:race", () => rescuerWork.promise);
    await new Promise((r) => setTimeout(r, 200));
    stalledWork.fail(new Error("Graph is down"));
    await expect(first).rejects.toThrow("Graph is down");
    // The rescuer is still working: a third attempt must find its claim, not an empty row.
    await expect(third.once("mail:race", async () => "doubled")).rejects.toBeInstanceOf(EffectInProgressError);
    rescuerWork.open("sent once");
    expect((await second).result).toBe("sent once");
  });
});

describe("tableKey", () => {
  it("keeps every key within Azure Table's 1 KiB, and long keys apart by the hash of the whole value", () => {
    for (const length of [1, 399, 401, 1000, 20_000]) expect(tableKey("é/".repeat(length)).length).toBeLessThanOrEqual(MAX_TABLE_KEY_CHARS);
    const a = "x".repeat(600) + "a";
    const b = "x".repeat(600) + "b";
    expect(tableKey(a)).not.toBe(tableKey(b));
    expect(tableKey("LNCIP-2026-0042:decide:1")).toBe("LNCIP-2026-0042:decide:1");
  });
});

describe("appState", () => {
  it("stores and lists values under names far longer than a table key may be (a long response id)", async () => {
    const state = appState(table("State"));
    const long = `response-${"é/".repeat(700)}`;
    await state.put("seen-Cases", long, { v: 1 });
    await state.put("seen-Cases", `${long}-other`, { v: 2 });
    expect((await state.get("seen-Cases", long))?.value).toEqual({ v: 1 });
    expect((await state.list("seen-Cases")).map((x) => x.name).sort()).toEqual([long, `${long}-other`]);
  });

  it("stores JSON values and refuses a write based on a stale version", async () => {
    const state = appState(table("State"));
    const v1 = await state.put("delta", "Cases", { link: "a" });
    const read = await state.get<{ link: string }>("delta", "Cases");
    expect(read?.value).toEqual({ link: "a" });
    await state.put("delta", "Cases", { link: "b" }, v1);
    await expect(state.put("delta", "Cases", { link: "c" }, v1)).rejects.toBeInstanceOf(StaleStateError);
    expect((await state.get<{ link: string }>("delta", "Cases"))?.value.link).toBe("b");
    expect((await state.list("delta")).map((e) => e.name)).toEqual(["Cases"]);
    await state.remove("delta", "Cases");
    expect(await state.get("delta", "Cases")).toBeUndefined();
  });
});

describe("auditTrail", () => {
  it("keeps one entry per transition however often it is appended", async () => {
    const audit = auditTrail(table("Audit"));
    const entry = {
      caseRef: "LNCIP-2026-0042",
      key: "LNCIP-2026-0042:decide:1",
      at: new Date("2026-11-23T10:00:00Z"),
      by: "chair@oakfield.example",
      source: "teams" as const,
      action: "recordCoreGroupDecision",
      from: "readyForCoreGroup",
      to: "decided",
    };
    await audit.append(entry);
    await audit.append(entry);
    const entries = await audit.forCase("LNCIP-2026-0042");
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ by: "chair@oakfield.example", to: "decided" });
  });
});

describe("submissionStore", () => {
  it("keeps the first submission for a response id and lists it until written", async () => {
    const subs = submissionStore(table("Submissions"));
    const s = { responseId: "r/1?#", caseRef: "LNCIP-2026-0001", receivedAt: "2026-11-23T09:00:00Z", formJson: JSON.stringify({ concerns: "é".repeat(70_000) }) };
    expect((await subs.accept(s)).firstTime).toBe(true);
    const again = await subs.accept({ ...s, caseRef: "LNCIP-2026-0002" });
    expect(again).toMatchObject({ firstTime: false, submission: { caseRef: "LNCIP-2026-0001" } });
    expect(again.submission.formJson).toBe(s.formJson);
    expect((await subs.pending()).map((p) => p.responseId)).toEqual(["r/1?#"]);
    await subs.markWritten("r/1?#");
    expect(await subs.pending()).toEqual([]);
  });
});

describe("openCaseIndex", () => {
  it("lets one case hold a pupil until it is released, and stores no UPN in clear", async () => {
    const store = table("OpenCases");
    const index = openCaseIndex(store, "test-hash-key");
    const upn = "A801200100001";
    expect(await index.claim(upn, "pending:r1")).toMatchObject({ caseRef: "pending:r1", claimed: true });
    await index.confirm(upn, "pending:r1", "LNCIP-2026-0001");
    expect(await index.claim(upn, "pending:r2")).toMatchObject({ caseRef: "LNCIP-2026-0001", claimed: false });
    expect(await index.lastEnded(upn)).toBeUndefined();
    await index.release(upn, "LNCIP-2026-0001");
    expect(await index.find(upn)).toBeUndefined();
    expect(await index.lastEnded(upn)).toBe("LNCIP-2026-0001");
    expect((await index.claim(upn, "LNCIP-2026-0009")).claimed).toBe(true);
    // A case that no longer holds the pupil, or a late repeat, never takes the pupil or the "last ended" place.
    await index.release(upn, "LNCIP-2026-0001");
    expect(await index.find(upn)).toBe("LNCIP-2026-0009");
    await index.release(upn, "LNCIP-2026-0009");
    await index.release(upn, "LNCIP-2026-0001");
    expect(await index.lastEnded(upn)).toBe("LNCIP-2026-0009");
    for await (const row of store.client.listEntities()) expect(JSON.stringify(row)).not.toContain(upn);
  });

  it("knows a claim's owner after it is confirmed, and lets a claim be taken over only from the version read", async () => {
    const index = openCaseIndex(table("OpenCases"), "test-hash-key");
    const upn = "A801200100001";
    const at = new Date("2026-11-23T09:00:00Z");
    await index.claim(upn, "pending:r1", { owner: "r1", at });
    await index.confirm(upn, "pending:r1", "LNCIP-2026-0001");
    expect(await index.claim(upn, "pending:r1", { owner: "r1", at })).toMatchObject({ caseRef: "LNCIP-2026-0001", claimed: true, owner: "r1" });
    const seen = await index.claim(upn, "pending:r2", { owner: "r2", at });
    expect(seen).toMatchObject({ claimed: false, owner: "r1", since: at });
    await index.confirm(upn, "LNCIP-2026-0001", "LNCIP-2026-0002"); // changed meanwhile
    expect(await index.takeOver(upn, seen.version!, "pending:r2", { owner: "r2", at })).toBe(false);
    expect(await index.find(upn)).toBe("LNCIP-2026-0002");
  });
});
