import { describe, expect, it } from "vitest";
import {
  ensureSubscriptions,
  listForSubscription,
  reauthorizeSubscription,
  RENEW_WHEN_MINUTES_LEFT,
  SUBSCRIPTION_LIFETIME_MINUTES,
  type SubscriptionPorts,
} from "../../../src/workflows/listChanges/ensureSubscriptions";
import type { GraphSubscription, GraphSubscriptions, NewSubscription } from "../../../src/m365/graph/subscriptions";
import { memoryAppState } from "../../support/memoryAppState";

/** Graph's subscriptions as a tiny in-memory service (the sandbox tests the real thing end to end). */
function fakeGraph() {
  const subs = new Map<string, GraphSubscription>();
  let n = 0;
  const api: GraphSubscriptions = {
    async create(s: NewSubscription) {
      const sub = { id: `sub-${++n}`, resource: s.resource, changeType: "updated", notificationUrl: s.notificationUrl, lifecycleNotificationUrl: s.lifecycleNotificationUrl, clientState: s.clientState, expirationDateTime: s.expirationDateTime.toISOString() };
      subs.set(sub.id, sub);
      return sub;
    },
    async get(id) {
      return subs.get(id);
    },
    async renew(id, at) {
      const s = subs.get(id);
      if (!s) return undefined;
      s.expirationDateTime = at.toISOString();
      return s;
    },
    async delete(id) {
      subs.delete(id);
    },
  };
  return { api, subs };
}

const cases = { name: "Cases", resource: async () => "sites/contoso.sharepoint.com,1,2/lists/abc" };

describe("ensureSubscriptions", () => {
  let clock = new Date("2026-11-23T09:00:00Z");
  const setup = () => {
    const graph = fakeGraph();
    const ports: SubscriptionPorts = { subscriptions: graph.api, state: memoryAppState(), now: () => clock, notificationUrl: "https://app.example/api/notifications", clientState: "secret-secret-secret" };
    return { graph, ports };
  };

  it("creates a subscription for a list with none, for just under the 42,300-minute maximum, and remembers its list", async () => {
    const { graph, ports } = setup();
    expect(await ensureSubscriptions(ports, [cases])).toEqual([{ list: "Cases", action: "created" }]);
    const [sub] = [...graph.subs.values()];
    expect(sub).toMatchObject({ resource: "sites/contoso.sharepoint.com,1,2/lists/abc", clientState: "secret-secret-secret", lifecycleNotificationUrl: "https://app.example/api/notifications" });
    expect((Date.parse(sub!.expirationDateTime) - clock.getTime()) / 60_000).toBe(SUBSCRIPTION_LIFETIME_MINUTES);
    expect(SUBSCRIPTION_LIFETIME_MINUTES).toBeLessThan(42_300);
    expect(await listForSubscription(ports.state, sub!.id)).toBe("Cases");
  });

  it("keeps a subscription with more than a week left, and renews one with less", async () => {
    const { graph, ports } = setup();
    await ensureSubscriptions(ports, [cases]);
    clock = new Date(clock.getTime() + (SUBSCRIPTION_LIFETIME_MINUTES - RENEW_WHEN_MINUTES_LEFT - 60) * 60_000);
    expect(await ensureSubscriptions(ports, [cases])).toEqual([{ list: "Cases", action: "kept" }]);
    clock = new Date(clock.getTime() + 120 * 60_000);
    expect(await ensureSubscriptions(ports, [cases])).toEqual([{ list: "Cases", action: "renewed" }]);
    expect(graph.subs.size).toBe(1);
    expect((Date.parse([...graph.subs.values()][0]!.expirationDateTime) - clock.getTime()) / 60_000).toBe(SUBSCRIPTION_LIFETIME_MINUTES);
  });

  it("recreates a subscription Graph has lost, and still maps the old id to its list for notifications in flight", async () => {
    const { graph, ports } = setup();
    await ensureSubscriptions(ports, [cases]);
    const [old] = [...graph.subs.keys()];
    graph.subs.clear();
    expect(await ensureSubscriptions(ports, [cases])).toEqual([{ list: "Cases", action: "recreated" }]);
    const [fresh] = [...graph.subs.keys()];
    expect(fresh).not.toBe(old);
    expect(await listForSubscription(ports.state, old!)).toBe("Cases");
    expect(await listForSubscription(ports.state, fresh!)).toBe("Cases");
  });

  it("answers reauthorizationRequired by renewing, or by recreating when the subscription is gone; ignores unknown ids", async () => {
    const { graph, ports } = setup();
    await ensureSubscriptions(ports, [cases]);
    const [id] = [...graph.subs.keys()];
    clock = new Date(clock.getTime() + 60_000);
    expect(await reauthorizeSubscription(ports, id!, [cases])).toBe("Cases");
    expect(Date.parse(graph.subs.get(id!)!.expirationDateTime)).toBe(clock.getTime() + SUBSCRIPTION_LIFETIME_MINUTES * 60_000);
    graph.subs.clear();
    expect(await reauthorizeSubscription(ports, id!, [cases])).toBe("Cases");
    expect(graph.subs.size).toBe(1);
    expect(await reauthorizeSubscription(ports, "someone-else", [cases])).toBeUndefined();
  });
});
