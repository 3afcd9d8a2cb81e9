import { z } from "zod";
import type { AreaFaults } from "./routing";

/**
 * A fault the sandbox injects, for tests and the soak: on matching requests (a method and path prefix, or a
 * regular expression), for a number of times or at a rate.
 */
export const faultRuleSchema = z.object({
  route: z.string().optional(),
  kind: z.enum(["429", "503", "500", "502", "504", "reset", "slow", "412", "duplicateNotification", "lostNotification", "expiredDelta"]),
  count: z.number().int().min(1).optional(),
  rate: z.number().min(0).max(1).optional(),
  retryAfterSeconds: z.number().int().min(0).max(3600).optional(),
  delayMs: z.number().int().min(0).max(120_000).optional(),
});
export type FaultRule = z.infer<typeof faultRuleSchema>;

interface ActiveRule extends FaultRule {
  id: number;
  used: number;
}

const REQUEST_KINDS = new Set(["429", "503", "500", "502", "504", "reset", "slow", "412"]);

export class FaultBook implements AreaFaults {
  private rules: ActiveRule[] = [];
  private nextId = 1;
  constructor(private readonly random: () => number = Math.random) {}

  add(rule: FaultRule): number {
    const id = this.nextId++;
    this.rules.push({ ...rule, id, used: 0 });
    return id;
  }
  list(): readonly ActiveRule[] {
    return this.rules;
  }
  clear(): void {
    this.rules = [];
  }

  /** The request fault to apply to this request now, if any (consumes one count). */
  forRequest(method: string, path: string): FaultRule | undefined {
    return this.take((r) => REQUEST_KINDS.has(r.kind) && matches(r.route, method, path));
  }

  takeLostNotification(): boolean {
    return this.take((r) => r.kind === "lostNotification") !== undefined;
  }
  takeDuplicateNotification(): boolean {
    return this.take((r) => r.kind === "duplicateNotification") !== undefined;
  }
  takeExpiredDeltaToken(): boolean {
    return this.take((r) => r.kind === "expiredDelta") !== undefined;
  }
  takeForcedPreconditionFailure(): boolean {
    return false; // a "412" rule is applied to matching requests before they reach an area
  }

  private take(pick: (r: ActiveRule) => boolean): FaultRule | undefined {
    for (const rule of this.rules) {
      if (!pick(rule)) continue;
      if (rule.rate !== undefined && this.random() >= rule.rate) continue;
      rule.used++;
      if (rule.count !== undefined && rule.used >= rule.count) this.rules = this.rules.filter((r) => r !== rule);
      return rule;
    }
    return undefined;
  }
}

function matches(route: string | undefined, method: string, path: string): boolean {
  if (!route) return true;
  const regex = /^\/(.+)\/([a-z]*)$/.exec(route);
  if (regex) return new RegExp(regex[1] as string, regex[2]).test(`${method} ${path}`);
  const [m, prefix] = route.includes(" ") ? route.split(" ", 2) : [undefined, route];
  return (m === undefined || m === "*" || m.toUpperCase() === method) && path.startsWith(prefix as string);
}
