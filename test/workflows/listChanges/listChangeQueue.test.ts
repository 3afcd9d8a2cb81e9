import { QueueClient } from "@azure/storage-queue";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listChangeQueue } from "../../../src/workflows/listChanges/listChangeQueue";
import { LIST_CHANGES_QUEUE, mergeListChangeMessages } from "../../../src/workflows/listChanges/listChangeMessage";
import { startTestAzurite, type TestAzurite } from "../../support/azurite";

describe("mergeListChangeMessages", () => {
  it("keeps one message per subscription and lifecycle event, received at the latest", () => {
    expect(
      mergeListChangeMessages([
        { subscriptionId: "s1", receivedAt: "2026-12-02T09:00:00.000Z" },
        { subscriptionId: "s1", receivedAt: "2026-12-02T09:00:00.040Z" },
        { subscriptionId: "s2", receivedAt: "2026-12-02T09:00:00.020Z" },
        { subscriptionId: "s1", receivedAt: "2026-12-02T09:00:00.030Z" },
        { subscriptionId: "s1", lifecycleEvent: "reauthorizationRequired", receivedAt: "2026-12-02T09:00:00.010Z" },
      ]),
    ).toEqual([
      { subscriptionId: "s1", receivedAt: "2026-12-02T09:00:00.040Z" },
      { subscriptionId: "s2", receivedAt: "2026-12-02T09:00:00.020Z" },
      { subscriptionId: "s1", lifecycleEvent: "reauthorizationRequired", receivedAt: "2026-12-02T09:00:00.010Z" },
    ]);
  });
});

describe("the list-changes queue the webhook writes", () => {
  let azurite: TestAzurite;
  beforeAll(async () => {
    azurite = await startTestAzurite();
  }, 90_000);
  afterAll(async () => azurite?.stop());

  it("queues a burst of one list's notifications as far fewer messages, the latest of them always queued", async () => {
    const send = listChangeQueue(azurite.connectionString);
    const at = (ms: number) => new Date(Date.UTC(2026, 11, 2, 9, 0, 0, ms)).toISOString();
    // 50 POSTs at once, as Graph sends them in a burst: every one resolved only once its notification is queued.
    await Promise.all(Array.from({ length: 50 }, (_, i) => send([{ subscriptionId: "cases-sub", receivedAt: at(i) }])));
    await send([{ subscriptionId: "meetings-sub", receivedAt: at(60) }]);
    const queue = new QueueClient(azurite.connectionString, LIST_CHANGES_QUEUE);
    const texts: string[] = [];
    for (;;) {
      const batch = await queue.receiveMessages({ numberOfMessages: 32 });
      if (batch.receivedMessageItems.length === 0) break;
      texts.push(...batch.receivedMessageItems.map((m) => m.messageText));
    }
    const messages = texts.map((t) => JSON.parse(t) as { subscriptionId: string; receivedAt: string });
    const cases = messages.filter((m) => m.subscriptionId === "cases-sub");
    // The first POST is written alone and the other 49 share the write after it.
    expect(cases.length).toBeGreaterThanOrEqual(1);
    expect(cases.length).toBeLessThanOrEqual(2);
    expect(cases.map((m) => m.receivedAt)).toContain(at(49));
    expect(messages.filter((m) => m.subscriptionId === "meetings-sub")).toEqual([{ subscriptionId: "meetings-sub", receivedAt: at(60) }]);
  }, 60_000);
});
