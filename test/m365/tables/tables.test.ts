import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestAzurite, type TestAzurite } from "../../support/azurite";
import {
  appState,
  auditTrail,
  caseNumberAllocator,
  effectLedger,
  EffectInProgressError,
  openCaseIndex,
  StaleStateError,
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

describe("appState", () => {
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
    expect(await index.claim(upn, "pending:r1")).toEqual({ caseRef: "pending:r1", claimed: true });
    await index.confirm(upn, "pending:r1", "LNCIP-2026-0001");
    expect(await index.claim(upn, "pending:r2")).toEqual({ caseRef: "LNCIP-2026-0001", claimed: false });
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
});
