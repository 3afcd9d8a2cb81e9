import { z } from "zod";
import type { SandboxResponse, TenantGrants } from "./routing";

/**
 * The sandbox playing a strict tenant: what a real tenant may refuse with the least-privilege grants the README
 * asks for, answered with Graph's own status codes and error bodies, so the app's fallbacks are tested rather than
 * assumed. Three things a real tenant may refuse:
 *
 * - **list subscriptions** — Microsoft's create-subscription page lists only `Sites.ReadWrite.All` (application)
 *   for a SharePoint list; an app holding only `Sites.Selected` may be refused. Graph's subscription service
 *   wraps the workload's refusal: 403 `ExtensionError`, "Operation: Create; Exception: [Status Code: Forbidden;
 *   Reason: Access denied…]" (the same for a renewal, "Operation: Update").
 * - **reading mail** (Sent Items included) without Mail.Read or Mail.ReadBasic on the mailbox: Exchange answers
 *   403 `ErrorAccessDenied`, "Access is denied. Check credentials and try again."
 * - **Teams meetings** organised by a mailbox whose licence does not include Teams: Graph still answers 201, with
 *   `isOnlineMeeting: false`, `onlineMeetingProvider: "unknown"` and no `onlineMeeting` (so no join URL), and the
 *   mailbox's calendar allows no online meeting provider.
 *
 * `default` grants all three (the sandbox as it always was); `strict` refuses all three; each can be set on its own.
 * Chosen at start with GRAPH_SANDBOX_TENANT (`default` or `strict`), changed at run time with
 * `PUT /_sandbox/tenant`. Development only: production code never imports anything under `sandbox/`.
 */

/** What the tenant grants the app (true) or refuses it (false). */
export const tenantGrantsSchema = z.object({
  /** Change-notification subscriptions on SharePoint lists (Sites.ReadWrite.All granted). */
  listSubscriptions: z.boolean(),
  /** Reading the mailboxes' messages and folders, Sent Items included (Mail.Read or Mail.ReadBasic granted). */
  mailRead: z.boolean(),
  /** The mailboxes have a licence that includes Teams, so events can be Teams meetings with a join URL. */
  teamsMeetings: z.boolean(),
});

export const tenantModes = { default: { listSubscriptions: true, mailRead: true, teamsMeetings: true }, strict: { listSubscriptions: false, mailRead: false, teamsMeetings: false } } as const satisfies Record<string, TenantGrants>;
export type TenantMode = keyof typeof tenantModes;

/** The admin API's body: a mode, grants, or both (the grants then adjust the mode). */
export const tenantChangeSchema = z
  .object({ mode: z.enum(["default", "strict"]).optional() })
  .extend(tenantGrantsSchema.partial().shape)
  .strict()
  .refine((c) => Object.keys(c).length > 0, "expected a mode (\"default\" or \"strict\") or one of listSubscriptions, mailRead, teamsMeetings");
export type TenantChange = z.infer<typeof tenantChangeSchema>;

/**
 * The mode named by GRAPH_SANDBOX_TENANT (unset or empty: `default`); anything else stops the sandbox with a
 * message naming the variable.
 *
 * @example
 * tenantModeFromEnv({ GRAPH_SANDBOX_TENANT: "strict" }) // "strict"
 * tenantModeFromEnv({ GRAPH_SANDBOX_TENANT: "lax" })    // throws: GRAPH_SANDBOX_TENANT: expected "default" or "strict", not "lax"
 */
export function tenantModeFromEnv(env: Record<string, string | undefined>): TenantMode {
  const value = env.GRAPH_SANDBOX_TENANT?.trim().toLowerCase() ?? "";
  if (value === "") return "default";
  if (value === "default" || value === "strict") return value;
  throw new Error(`GRAPH_SANDBOX_TENANT: expected "default" or "strict", not "${env.GRAPH_SANDBOX_TENANT}"`);
}

/** The list-subscription refusal as Graph's subscription service words it. */
const subscriptionRefused = (operation: "Create" | "Update") => `Operation: ${operation}; Exception: [Status Code: Forbidden; Reason: Access denied. You do not have permission to perform this action or access this resource.]`;
const LIST_RESOURCE = /^\/?sites\/[^/]+\/lists\/[^/]+\/?$/i;
const MAIL_READ = /^\/users\/[^/]+\/(messages|mailFolders)(\/|$)/i;

/**
 * The tenant's grants, and the refusals they imply for one request. The server asks before routing (so a refused
 * request changes nothing, and a `$batch` item is refused alike); the calendar asks whether its mailboxes are
 * licensed for Teams.
 *
 * @example
 * const tenant = new TenantPolicy("strict");
 * tenant.refusal("GET", "/users/partnership@lncip.example/mailFolders/sentitems/messages", undefined, isListSubscription)
 * // { status: 403, code: "ErrorAccessDenied", message: "Access is denied. Check credentials and try again." }
 */
export class TenantPolicy {
  private current: TenantGrants;
  constructor(mode: TenantMode = "default") {
    this.current = { ...tenantModes[mode] };
  }

  get grants(): TenantGrants {
    return { ...this.current };
  }

  /** The mode the grants amount to: `default`, `strict`, or `custom` for any other mix. */
  get mode(): TenantMode | "custom" {
    const same = (m: TenantGrants) => (Object.keys(m) as (keyof TenantGrants)[]).every((k) => m[k] === this.current[k]);
    return same(tenantModes.default) ? "default" : same(tenantModes.strict) ? "strict" : "custom";
  }

  /** Applies an admin change: a mode first, then any single grants. */
  change(c: TenantChange): void {
    const { mode, ...grants } = c;
    this.current = { ...(mode ? tenantModes[mode] : this.current), ...grants };
  }

  /** Whether events organised by the tenant's mailboxes can be Teams meetings. */
  teamsMeetings(): boolean {
    return this.current.teamsMeetings;
  }

  /**
   * The Graph error a real tenant with these grants answers this request with, or undefined when it is allowed.
   * `subscriptionResource` tells what an existing subscription watches (for a renewal).
   */
  refusal(method: string, path: string, body: unknown, subscriptionResource: (id: string) => string | undefined): { status: number; code: string; message: string } | undefined {
    if (!this.current.mailRead && method === "GET" && MAIL_READ.test(path)) {
      return { status: 403, code: "ErrorAccessDenied", message: "Access is denied. Check credentials and try again." };
    }
    if (!this.current.listSubscriptions) {
      if (method === "POST" && /^\/subscriptions\/?$/i.test(path)) {
        const resource = (body as { resource?: unknown } | undefined)?.resource;
        if (typeof resource === "string" && LIST_RESOURCE.test(resource)) return { status: 403, code: "ExtensionError", message: subscriptionRefused("Create") };
      }
      const renew = /^\/subscriptions\/([^/]+)$/i.exec(path);
      if (method === "PATCH" && renew && LIST_RESOURCE.test(subscriptionResource(decodeURIComponent(renew[1] as string)) ?? "")) {
        return { status: 403, code: "ExtensionError", message: subscriptionRefused("Update") };
      }
    }
    return undefined;
  }

  /**
   * `GET|PUT /_sandbox/tenant`: read the grants, or change them (`{"mode":"strict"}`, `{"mailRead":true}`, …).
   * Answers 400 with what it expects for anything else.
   */
  admin(method: string, raw: string): SandboxResponse {
    if (method === "GET") return { status: 200, body: { mode: this.mode, ...this.current } };
    if (method !== "PUT") return { status: 405, body: { error: "GET or PUT /_sandbox/tenant" } };
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return { status: 400, body: { error: "expected a JSON body" } };
    }
    const parsed = tenantChangeSchema.safeParse(json);
    if (!parsed.success) return { status: 400, body: { error: parsed.error.issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`).join("; ") } };
    this.change(parsed.data);
    return { status: 200, body: { mode: this.mode, ...this.current } };
  }
}
