import { randomUUID } from "node:crypto";
import { GraphError, type GraphArea, type GraphRoute, type SandboxContext, type SandboxRequest, type SandboxResponse } from "../routing";

interface Subscription {
  id: string;
  resource: string;
  changeType: string;
  notificationUrl: string;
  lifecycleNotificationUrl?: string | undefined;
  clientState?: string | undefined;
  expirationDateTime: string;
  applicationId: string;
  creatorId: string;
  latestSupportedTlsVersion: string;
  notificationQueryOptions: string | null;
  includeResourceData: boolean;
  encryptionCertificate: string | null;
  encryptionCertificateId: string | null;
  notificationUrlAppId: string | null;
  lifecycleNotificationUrlAppId?: string | null;
}

interface Pending {
  url: string;
  notification: Record<string, unknown>;
  attempts: number;
  dueAt: number;
  firstAt: number;
}

export interface SubscriptionTimings {
  /** Notifications raised within this window share one POST. */
  batchWindowMs: number;
  /** First retry after a failed delivery; doubles each time. */
  retryDelayMs: number;
  /** Graph gives up after 4 hours. */
  giveUpAfterMs: number;
  /** A receiver slower than this failed (Graph: 3 s). */
  timeoutMs: number;
  /** The validation handshake must answer within this (Graph: 10 s). */
  validationTimeoutMs: number;
}

const LIST_MAX_MINUTES = 42_300;

/**
 * Graph change notifications for SharePoint lists: subscriptions with the validation handshake, notifications
 * (no item data) delivered in batches to the notification URL and retried when the receiver fails or is slow,
 * lost or duplicated on demand, and `reauthorizationRequired` lifecycle events.
 *
 * One relaxation: real Graph requires an https notification URL; the sandbox also accepts http on loopback,
 * where the local Functions host listens.
 */
export class SubscriptionsArea implements GraphArea {
  readonly name = "subscriptions";
  private subs = new Map<string, Subscription>();
  private queue: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private ctx: SandboxContext | undefined;
  private busy = false;
  /** Every delivery attempt, for tests: when, where, how many notifications, what came back. */
  readonly deliveries: { at: string; url: string; count: number; status: number | "timeout" | "error" }[] = [];

  constructor(readonly timings: SubscriptionTimings = { batchWindowMs: 100, retryDelayMs: 2_000, giveUpAfterMs: 4 * 3600_000, timeoutMs: 3_000, validationTimeoutMs: 10_000 }) {}

  readonly routes: GraphRoute[] = [
    { method: "POST", pattern: "/subscriptions", handle: (r, ctx) => this.create(r, ctx) },
    { method: "GET", pattern: "/subscriptions", handle: (r, ctx) => ok({ value: this.live(ctx).filter((s) => s.applicationId === r.appId) }) },
    { method: "GET", pattern: "/subscriptions/:id", handle: (r, ctx) => ok(this.get(r.params.id ?? "", ctx)) },
    { method: "PATCH", pattern: "/subscriptions/:id", handle: (r, ctx) => this.renew(r, ctx) },
    { method: "DELETE", pattern: "/subscriptions/:id", handle: (r, ctx) => (this.get(r.params.id ?? "", ctx), this.subs.delete(r.params.id ?? ""), { status: 204 }) },
    { method: "POST", pattern: "/subscriptions/:id/reauthorize", handle: (r, ctx) => (this.get(r.params.id ?? "", ctx), { status: 204 }) },
  ];

  start(ctx: SandboxContext): void {
    this.ctx = ctx;
    ctx.events.on("listChanged", (e) => this.onListChanged(e.siteId, e.listId));
    this.timer = setInterval(() => void this.flush(), Math.max(20, Math.min(this.timings.batchWindowMs, 250)));
    this.timer.unref();
  }
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
  reset(): void {
    this.subs.clear();
    this.queue = [];
    this.deliveries.length = 0;
  }
  dump(): unknown {
    return { subscriptions: [...this.subs.values()], pendingNotifications: this.queue.length };
  }

  /** Sends a lifecycle event (e.g. reauthorizationRequired) for a subscription; false if there is none. */
  triggerLifecycleEvent(id: string, lifecycleEvent: string): boolean {
    const s = this.subs.get(id);
    if (!s || !this.ctx) return false;
    const url = s.lifecycleNotificationUrl ?? s.notificationUrl;
    this.enqueue(url, { subscriptionId: s.id, subscriptionExpirationDateTime: s.expirationDateTime, tenantId: this.ctx.tenantId, clientState: s.clientState ?? null, lifecycleEvent });
    return true;
  }

  /** Delivers everything due now (tests call this rather than wait for the timer). */
  async flush(): Promise<void> {
    if (this.busy || !this.ctx) return;
    this.busy = true;
    try {
      const now = Date.now();
      const due = this.queue.filter((p) => p.dueAt <= now);
      if (due.length === 0) return;
      this.queue = this.queue.filter((p) => p.dueAt > now);
      const byUrl = new Map<string, Pending[]>();
      for (const p of due) byUrl.set(p.url, [...(byUrl.get(p.url) ?? []), p]);
      await Promise.all([...byUrl].map(([url, batch]) => this.post(url, batch)));
    } finally {
      this.busy = false;
    }
  }

  private async post(url: string, batch: Pending[]): Promise<void> {
    let status: number | "timeout" | "error";
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json; charset=utf-8" },
        body: JSON.stringify({ value: batch.map((p) => p.notification) }),
        signal: AbortSignal.timeout(this.timings.timeoutMs),
      });
      status = res.status;
      await res.arrayBuffer().catch(() => undefined);
    } catch (e) {
      status = (e as Error).name === "TimeoutError" ? "timeout" : "error";
    }
    this.deliveries.push({ at: new Date().toISOString(), url, count: batch.length, status });
    if (typeof status === "number" && status >= 200 && status < 300) return;
    for (const p of batch) {
      p.attempts++;
      const next = Date.now() + this.timings.retryDelayMs * 2 ** Math.min(p.attempts - 1, 8);
      if (next - p.firstAt <= this.timings.giveUpAfterMs) this.queue.push({ ...p, dueAt: next });
    }
  }

  private onListChanged(siteId: string, listId: string): void {
    if (!this.ctx) return;
    for (const s of this.live(this.ctx)) {
      const m = /^\/?sites\/([^/]+)\/lists\/([^/]+)$/.exec(s.resource);
      if (!m || m[2]?.toLowerCase() !== listId.toLowerCase() || !siteId.toLowerCase().includes((m[1] ?? "").toLowerCase().split(",")[0] ?? "")) continue;
      if (this.ctx.faults.takeLostNotification()) continue;
      const notification = { subscriptionId: s.id, subscriptionExpirationDateTime: s.expirationDateTime, changeType: "updated", resource: s.resource, clientState: s.clientState ?? null, tenantId: this.ctx.tenantId, resourceData: null };
      this.enqueue(s.notificationUrl, notification);
      if (this.ctx.faults.takeDuplicateNotification()) this.enqueue(s.notificationUrl, notification);
    }
  }

  private enqueue(url: string, notification: Record<string, unknown>): void {
    const now = Date.now();
    this.queue.push({ url, notification, attempts: 0, dueAt: now + this.timings.batchWindowMs, firstAt: now });
  }

  private live(ctx: SandboxContext): Subscription[] {
    const now = ctx.now().getTime();
    for (const [id, s] of this.subs) if (Date.parse(s.expirationDateTime) <= now) this.subs.delete(id);
    return [...this.subs.values()];
  }

  private get(id: string, ctx: SandboxContext): Subscription {
    this.live(ctx);
    const s = this.subs.get(id);
    if (!s) throw new GraphError(404, "ResourceNotFound", `The object was not found.`);
    return s;
  }

  private async create(r: SandboxRequest, ctx: SandboxContext): Promise<SandboxResponse> {
    const b = (r.body ?? {}) as Partial<Subscription>;
    const bad = (message: string) => new GraphError(400, "ValidationError", message);
    if (!b.resource || !/^\/?sites\/[^/]+\/lists\/[^/]+$/.test(b.resource)) throw bad("Resource is not supported by the sandbox: use sites/{site-id}/lists/{list-id}.");
    if (b.changeType !== "updated") throw bad("The changeType 'created' and 'deleted' are not supported on lists: only 'updated' is supported.".replace("'created' and 'deleted'", `'${b.changeType ?? ""}'`));
    if (!b.notificationUrl || !isAllowedUrl(b.notificationUrl)) throw bad("Subscription notificationUrl must be an https URL (the sandbox also accepts http on loopback).");
    if (b.lifecycleNotificationUrl && !isAllowedUrl(b.lifecycleNotificationUrl)) throw bad("Subscription lifecycleNotificationUrl must be an https URL.");
    if (b.clientState && b.clientState.length > 128) throw bad("clientState must be at most 128 characters.");
    this.checkExpiry(b.expirationDateTime, ctx);
    await this.validate(b.notificationUrl);
    if (b.lifecycleNotificationUrl) await this.validate(b.lifecycleNotificationUrl);
    const s: Subscription = {
      id: randomUUID(),
      resource: b.resource,
      changeType: "updated",
      notificationUrl: b.notificationUrl,
      lifecycleNotificationUrl: b.lifecycleNotificationUrl,
      clientState: b.clientState,
      expirationDateTime: new Date(Date.parse(b.expirationDateTime as string)).toISOString(),
      applicationId: r.appId,
      creatorId: r.appId,
      latestSupportedTlsVersion: "v1_2",
      notificationQueryOptions: null,
      includeResourceData: false,
      encryptionCertificate: null,
      encryptionCertificateId: null,
      notificationUrlAppId: null,
      lifecycleNotificationUrlAppId: null,
    };
    this.subs.set(s.id, s);
    return { status: 201, body: { "@odata.context": `${ctx.baseUrl}/v1.0/$metadata#subscriptions/$entity`, ...s } };
  }

  private renew(r: SandboxRequest, ctx: SandboxContext): SandboxResponse {
    const s = this.get(r.params.id ?? "", ctx);
    const b = (r.body ?? {}) as Partial<Subscription>;
    if (b.lifecycleNotificationUrl !== undefined) throw new GraphError(400, "ValidationError", "lifecycleNotificationUrl cannot be added or changed by PATCH; create a new subscription.");
    this.checkExpiry(b.expirationDateTime, ctx);
    s.expirationDateTime = new Date(Date.parse(b.expirationDateTime as string)).toISOString();
    return ok(s);
  }

  private checkExpiry(value: string | undefined, ctx: SandboxContext): void {
    const t = Date.parse(value ?? "");
    const now = ctx.now().getTime();
    if (Number.isNaN(t)) throw new GraphError(400, "ValidationError", "expirationDateTime is required.");
    if (t <= now) throw new GraphError(400, "ValidationError", "Subscription expiration can only be in the future.");
    if (t > now + LIST_MAX_MINUTES * 60_000) throw new GraphError(400, "ValidationError", `Subscription expiration must be at most ${LIST_MAX_MINUTES} minutes in the future for a list.`);
  }

  private async validate(url: string): Promise<void> {
    const token = `Validation: Testing client application reachability for subscription Request-Id: ${randomUUID()}`;
    const target = new URL(url);
    target.searchParams.set("validationToken", token);
    let ok = false;
    try {
      const res = await fetch(target, { method: "POST", headers: { "content-type": "text/plain; charset=utf-8" }, body: "", signal: AbortSignal.timeout(this.timings.validationTimeoutMs) });
      const text = await res.text();
      ok = res.status === 200 && /^text\/plain/i.test(res.headers.get("content-type") ?? "") && text === token;
    } catch {
      ok = false;
    }
    if (!ok) throw new GraphError(400, "ValidationError", `Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.`);
  }
}

function isAllowedUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === "https:" || (u.protocol === "http:" && (u.hostname === "127.0.0.1" || u.hostname === "localhost"));
  } catch {
    return false;
  }
}

function ok(body: unknown): SandboxResponse {
  return { status: 200, body };
}
