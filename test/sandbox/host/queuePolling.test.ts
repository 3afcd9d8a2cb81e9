import { describe, expect, it } from "vitest";
import { messageEnqueued, onMessageEnqueued, pollingBackoff, scalingGroup } from "../../../sandbox/host/queuePolling";
import { queueOptions } from "../../../sandbox/host/queueTriggers";
import { timeSpanMs } from "../../../sandbox/host/appLoader";

describe("the local host polls queues as the Storage extension does", () => {
  it("backs off from 100 ms by 100 ms × 2^(n−1), randomised by ±20 %, up to maxPollingInterval", () => {
    const middle = pollingBackoff(2_000, () => 0.5);
    expect([1, 2, 3, 4, 5, 6, 7].map(() => middle.next(false))).toEqual([100, 200, 300, 500, 900, 1700, 2000]);
    const low = pollingBackoff(2_000, () => 0);
    expect([1, 2, 3].map(() => low.next(false))).toEqual([100, 180, 260]);
    const high = pollingBackoff(60_000, () => 0.999999);
    high.next(false);
    expect(high.next(false)).toBeCloseTo(220, 3);
  });

  it("waits the minimum again after a poll that found messages, and never less than 100 ms", () => {
    const backoff = pollingBackoff(2_000, () => 0.5);
    for (let i = 0; i < 10; i++) backoff.next(false);
    expect(backoff.next(false)).toBe(2_000);
    expect(backoff.next(true)).toBe(100);
    expect(backoff.next(false)).toBe(200);
    const fastest = pollingBackoff(100, () => 0.5);
    expect([fastest.next(false), fastest.next(false), fastest.next(true), fastest.next(false)]).toEqual([100, 100, 100, 100]);
  });

  it("reads maxPollingInterval and newBatchThreshold from host.json, and refuses an interval under 100 ms", () => {
    expect(queueOptions({ extensions: { queues: { maxPollingInterval: "00:00:00.100", batchSize: 16 } } })).toMatchObject({ maxPollingIntervalMs: 100, newBatchThreshold: 8 });
    expect(queueOptions({}).maxPollingIntervalMs).toBe(60_000);
    expect(queueOptions({ extensions: { queues: { newBatchThreshold: 3 } } }).newBatchThreshold).toBe(3);
    expect(() => queueOptions({ extensions: { queues: { maxPollingInterval: "00:00:00.050" } } })).toThrow(/at least 00:00:00.100/);
    expect(timeSpanMs("00:00:00.5", 0)).toBe(500);
    expect(timeSpanMs("1.00:00:01.25", 0)).toBe(86_401_250);
  });

  it("wakes a listener only for writes from its own scaling group (Flex Consumption's per-function scaling)", () => {
    expect(scalingGroup("notifications", ["httpTrigger"])).toBe("http");
    expect(scalingGroup("listChanges", ["queueTrigger"])).toBe("function:listChanges");
    const woken: string[] = [];
    const stop = onMessageEnqueued("q-test", "function:listChanges", () => woken.push("listChanges"));
    messageEnqueued("q-test", "http"); // the webhook runs on the HTTP instances: its write is found by polling
    expect(woken).toEqual([]);
    messageEnqueued("q-test", "function:listChanges");
    messageEnqueued("another-queue", "function:listChanges");
    expect(woken).toEqual(["listChanges"]);
    stop();
    messageEnqueued("q-test", "function:listChanges");
    expect(woken).toEqual(["listChanges"]);
  });
});
