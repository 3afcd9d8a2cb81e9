import { describe, expect, it } from "vitest";
import { sameSecret, sortNotifications } from "../../../src/workflows/listChanges/sortNotifications";
import { listChangeMessageSchema } from "../../../src/workflows/listChanges/listChangeMessage";

const now = new Date("2026-11-23T09:15:00Z");
const note = (subscriptionId: string, clientState: string | null, lifecycleEvent?: "reauthorizationRequired") => ({
  subscriptionId,
  clientState,
  changeType: "updated",
  resource: "sites/contoso.sharepoint.com,1,2/lists/3",
  tenantId: "t",
  ...(lifecycleEvent ? { lifecycleEvent } : {}),
});

describe("sortNotifications", () => {
  it("keeps notifications with our clientState, one message per subscription", () => {
    const sorted = sortNotifications([note("s1", "secret-value"), note("s1", "secret-value"), note("s2", "secret-value")], "secret-value", now);
    expect(sorted.accepted).toEqual([
      { subscriptionId: "s1", receivedAt: "2026-11-23T09:15:00.000Z" },
      { subscriptionId: "s2", receivedAt: "2026-11-23T09:15:00.000Z" },
    ]);
    expect(sorted.refused).toEqual([]);
    for (const m of sorted.accepted) expect(listChangeMessageSchema.parse(m)).toEqual(m);
  });

  it("refuses a wrong, missing or prefix-only clientState", () => {
    const sorted = sortNotifications(
      [note("s1", "guess"), note("s2", null), note("s3", "secret"), note("s4", "secret-value-and-more")],
      "secret-value",
      now,
    );
    expect(sorted.accepted).toEqual([]);
    expect(sorted.refused.map((r) => r.subscriptionId)).toEqual(["s1", "s2", "s3", "s4"]);
  });

  it("keeps a lifecycle event apart from a change on the same subscription", () => {
    const sorted = sortNotifications(
      [note("s1", "secret-value"), note("s1", "secret-value", "reauthorizationRequired")],
      "secret-value",
      now,
    );
    expect(sorted.accepted.map((m) => m.lifecycleEvent ?? "change")).toEqual(["change", "reauthorizationRequired"]);
  });
});

describe("sameSecret", () => {
  it("is true only for the identical string", () => {
    expect(sameSecret("abc", "abc")).toBe(true);
    expect(sameSecret("abd", "abc")).toBe(false);
    expect(sameSecret("", "abc")).toBe(false);
  });
});
