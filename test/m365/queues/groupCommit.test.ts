import { describe, expect, it } from "vitest";
import { groupCommit } from "../../../src/m365/queues/groupCommit";

/** A writer whose writes the test finishes one by one, recording what each write carried. */
function controlledWriter() {
  const writes: { items: string[]; finish: () => void; fail: (e: Error) => void }[] = [];
  const write = (items: readonly string[]) =>
    new Promise<void>((resolve, reject) => {
      writes.push({ items: [...items], finish: resolve, fail: reject });
    });
  return { writes, write };
}
const settled = () => new Promise((r) => setTimeout(r, 0));

describe("groupCommit", () => {
  it("writes the first caller's items at once and the callers who came meanwhile together in the next write", async () => {
    const { writes, write } = controlledWriter();
    const send = groupCommit(write);
    const answered: string[] = [];
    const a = send(["a"]).then(() => answered.push("a"));
    const b = send(["b"]).then(() => answered.push("b"));
    const c = send(["c", "d"]).then(() => answered.push("c"));
    await settled();
    expect(writes.map((w) => w.items)).toEqual([["a"]]);
    writes[0]!.finish();
    await a;
    await settled();
    // Nobody in the second group is answered before the write that carries their items has ended.
    expect(answered).toEqual(["a"]);
    expect(writes.map((w) => w.items)).toEqual([["a"], ["b", "c", "d"]]);
    writes[1]!.finish();
    await Promise.all([b, c]);
    expect(answered).toEqual(["a", "b", "c"]);
  });

  it("rejects exactly the callers whose write failed, and goes on writing the next group", async () => {
    const { writes, write } = controlledWriter();
    const send = groupCommit(write);
    const first = send(["a"]);
    const second = send(["b"]);
    await settled();
    writes[0]!.fail(new Error("storage unavailable"));
    await expect(first).rejects.toThrow("storage unavailable");
    await settled();
    expect(writes[1]!.items).toEqual(["b"]);
    writes[1]!.finish();
    await expect(second).resolves.toBeUndefined();
    const third = send(["c"]);
    await settled();
    expect(writes.map((w) => w.items)).toEqual([["a"], ["b"], ["c"]]);
    writes[2]!.finish();
    await expect(third).resolves.toBeUndefined();
  });

  it("writes nothing for nothing, and a writer that throws at once rejects its caller", async () => {
    const { writes, write } = controlledWriter();
    await groupCommit(write)([]);
    expect(writes).toEqual([]);
    const throwing = groupCommit<string>(() => {
      throw new Error("no queue");
    });
    await expect(throwing(["a"])).rejects.toThrow("no queue");
  });
});
