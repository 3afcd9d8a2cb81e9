import type { DegradedPart } from "./degradedParts";

/** What the deeper health check can ask of the app's surroundings (storage, the token authority, its queues). */
export interface HealthPorts {
  /** Reads one entity from the app's state table (throws when storage is unreachable). */
  probeStorage(): Promise<void>;
  /** Obtains a Graph token with the app's credential (no Graph call is made). */
  graphToken(): Promise<void>;
  /** Approximate message count of a queue (0 when the queue does not exist yet). */
  queueDepth(name: string): Promise<number>;
  queues: readonly string[];
  now(): number;
  /** The parts working in a lesser way because the tenant refused something (see degradedParts.ts). */
  degraded(): Promise<DegradedPart[]>;
}

export interface HealthReport {
  /**
   * ok: all reachable, nothing parked, nothing degraded; degraded: working, with a part in a lesser way (each named
   * in `degraded`); attention: something waits in a poison queue; failing: a dependency is down.
   */
  status: "ok" | "degraded" | "attention" | "failing";
  checks: { storage: Check; graphToken: Check };
  queues: Record<string, { depth: number | null; poison: number | null }>;
  /** Each degraded part: which, since when, what is refused and what the app does instead (no personal data). */
  degraded: DegradedPart[];
}

interface Check {
  ok: boolean;
  ms: number;
  /** The error's class only: messages from SDKs can quote request URLs. */
  error?: string;
}

async function timed(now: () => number, work: () => Promise<void>): Promise<Check> {
  const start = now();
  try {
    await work();
    return { ok: true, ms: now() - start };
  } catch (e) {
    return { ok: false, ms: now() - start, error: e instanceof Error ? e.name : "Error" };
  }
}

/**
 * The deeper health check behind the function key: storage reachable, a Graph token obtainable, each work queue's
 * depth with its poison queue's, and each part working in a lesser way because the tenant refused something (lists
 * polled, reviews and meetings waiting for Teams, emails parked). It reads no list and returns no personal data —
 * only counts, timings, error class names and the degraded parts' own words.
 *
 * @example
 * await checkHealth(ports)
 * // { status: "degraded", checks: { storage: { ok: true, ms: 4 }, graphToken: { ok: true, ms: 31 } },
 * //   queues: { "case-intake": { depth: 0, poison: 0 }, "list-changes": { depth: 1, poison: 0 } },
 * //   degraded: [{ part: "listSubscriptions", since: "2026-11-23T09:00:00.000Z", detail: "Graph refused change notifications … polling every minute" }] }
 */
export async function checkHealth(ports: HealthPorts): Promise<HealthReport> {
  const [storage, graphToken] = await Promise.all([timed(ports.now, ports.probeStorage), timed(ports.now, ports.graphToken)]);
  const queues: HealthReport["queues"] = {};
  for (const name of ports.queues) {
    const depth = (q: string) => (storage.ok ? ports.queueDepth(q).catch(() => null) : Promise.resolve(null));
    const [d, p] = await Promise.all([depth(name), depth(`${name}-poison`)]);
    queues[name] = { depth: d, poison: p };
  }
  const parked = Object.values(queues).some((q) => (q.poison ?? 0) > 0);
  const degraded = storage.ok ? await ports.degraded().catch(() => []) : [];
  const status = !storage.ok || !graphToken.ok ? "failing" : parked ? "attention" : degraded.length ? "degraded" : "ok";
  return { status, checks: { storage, graphToken }, queues, degraded };
}
