import { describe, expect, it } from "vitest";
import { currentLog, inInvocation } from "../../src/app/log/invocationLog";
import type { LogContext } from "../../src/app/log/structuredLog";

function context(invocationId: string): LogContext & { lines: string[] } {
  const lines: string[] = [];
  const write = (...args: unknown[]) => void lines.push(String(args[0]));
  return { invocationId, functionName: "listChanges", log: write, warn: write, error: write, lines };
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("the log of the invocation being served", () => {
  it("keeps two invocations running at the same time apart, through every await", async () => {
    const a = context("a");
    const b = context("b");
    // Ports built once per process log through currentLog(): each line must land in its own invocation's log.
    const work = (name: string, delays: number[]) => async () => {
      for (const [i, ms] of delays.entries()) {
        await pause(ms);
        currentLog().info(`${name} step ${i}`);
      }
    };
    await Promise.all([inInvocation(a, work("a", [5, 1, 8])), inInvocation(b, work("b", [1, 9, 1]))]);
    expect(a.lines.map((l) => (JSON.parse(l) as { message: string; invocationId: string }).invocationId)).toEqual(["a", "a", "a"]);
    expect(a.lines.map((l) => (JSON.parse(l) as { message: string }).message)).toEqual(["a step 0", "a step 1", "a step 2"]);
    expect(b.lines.map((l) => (JSON.parse(l) as { message: string }).message)).toEqual(["b step 0", "b step 1", "b step 2"]);
  });

  it("outside an invocation writes a scrubbed line to the console rather than to a finished invocation", async () => {
    const a = context("a");
    await inInvocation(a, async () => currentLog().info("inside"));
    const written: string[] = [];
    const original = console.log;
    console.log = (line: string) => void written.push(line);
    try {
      currentLog().info("Case LNCIP-2026-0042, UPN F801200100001");
    } finally {
      console.log = original;
    }
    expect(a.lines).toHaveLength(1);
    expect(written).toEqual(["Case LNCIP-2026-0042, UPN [removed]"]);
  });

  it("lets an invocation's failure reach the host only scrubbed, its class name kept, so no error message bypasses the scrub", async () => {
    class ItemChangedError extends Error {
      override name = "ItemChangedError";
    }
    const failing = inInvocation(context("f"), async () => {
      throw new ItemChangedError("Field PupilFirstName: 'Zoë' for F801200100001, born 14/03/2012, s.oconnor@oakfield.example (LNCIP-2026-0042)");
    });
    const thrown = await failing.catch((e: unknown) => e as Error);
    expect(thrown).toBeInstanceOf(Error);
    expect(thrown.name).toBe("ItemChangedError");
    for (const secret of ["F801200100001", "14/03/2012", "s.oconnor@oakfield.example"]) {
      expect(thrown.message).not.toContain(secret);
      expect(thrown.stack ?? "").not.toContain(secret);
    }
    expect(thrown.message).toContain("LNCIP-2026-0042");
  });
});
