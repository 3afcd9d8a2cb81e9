import type { RequestLogEntry } from "../sandbox/graph/server";
import { percentile, round1 } from "./stats";

/**
 * Where the time of one list change goes, stage by stage, from timestamps the system itself records — not from a
 * stopwatch around it: the local host's "Executing/Executed 'Functions.x'" lines (the webhook's invocation, its
 * queue write, the queue function's invocation), the Graph sandbox's request log (the delta read, the state write,
 * the meeting's invitation) and the Agents Playground's stream (the card's arrival).
 */
export const STAGES = ["notified", "queued", "dequeued", "delta", "write", "meeting", "post"] as const;
export type Stage = (typeof STAGES)[number];

/** What each stage's time covers (from the stage before it). */
export const stageMeaning: Record<Stage, string> = {
  notified: "edit → the webhook's invocation starts (Graph's notification batch; the sandbox's window is 50 ms)",
  queued: "the webhook parses, checks clientState and its queue message is written (its 202 follows)",
  dequeued: "the message waits in list-changes until the queue function's poll finds it",
  delta: "subscription → list, the delta cursor, the delta read",
  write: "the item as delta gave it, the decision, the effects stashed, the ETag-guarded write of the new state",
  meeting: "the meeting assigned (Meetings, the agenda, the case's MeetingId) and the school invited (the event's attendees read, and written if the school is not on them yet)",
  post: "the card built (case, meeting, panel, places, Inclusion Forum history) and posted through the connector",
};

/** One function invocation as the host logged it. */
export interface HostInvocation {
  fn: string;
  id: string;
  startedAt: number;
  endedAt?: number;
}

/**
 * The invocations in the host's output, by their "Executing" and "Executed" lines.
 *
 * @example
 * hostInvocations("2026-12-02T09:00:00.010Z [information] (host) Executing 'Functions.notifications' (Reason='…', Id=ab)\n…")
 * // [{ fn: "notifications", id: "ab", startedAt: 1764666000010, endedAt: … }]
 */
export function hostInvocations(output: string): HostInvocation[] {
  const byId = new Map<string, HostInvocation>();
  for (const line of output.split("\n")) {
    const m = /^(\S+) \[\w+\] \(host\) (Executing|Executed) 'Functions\.(\w+)' \(.*?Id=([0-9a-f-]+)/.exec(line);
    if (!m) continue;
    const at = Date.parse(m[1]!);
    const id = m[4]!;
    if (m[2] === "Executing") byId.set(id, { fn: m[3]!, id, startedAt: at });
    else {
      const inv = byId.get(id);
      if (inv) inv.endedAt = at;
    }
  }
  return [...byId.values()];
}

/**
 * The stage marks of one change to case item `itemId` of the Cases list (`casesListId`), made at `editedAt`, whose
 * card arrived at `postedAt`: each mark the first of its kind after the mark before it.
 */
export function changeMarks(options: { editedAt: number; postedAt: number; invocations: readonly HostInvocation[]; requests: readonly RequestLogEntry[]; casesListId: string; itemId: string }): Partial<Record<Stage | "edit", number>> {
  const { editedAt, invocations, requests } = options;
  const after = (t: number | undefined) => (x: { startedAt: number } | number) => t !== undefined && (typeof x === "number" ? x : x.startedAt) >= t;
  const marks: Partial<Record<Stage | "edit", number>> = { edit: editedAt };
  const webhook = invocations.filter((i) => i.fn === "notifications").find(after(editedAt));
  marks.notified = webhook?.startedAt;
  marks.queued = webhook?.endedAt;
  marks.dequeued = invocations.filter((i) => i.fn === "listChanges").find(after(marks.queued))?.startedAt;
  const graph = requests.map((r) => ({ ...r, t: Date.parse(r.at) }));
  const casesPath = `/lists/${options.casesListId}/items`;
  marks.delta = graph.find((r) => r.t >= (marks.dequeued ?? Infinity) && r.path.includes(`${casesPath}/delta`))?.t;
  marks.write = graph.find((r) => r.t >= (marks.delta ?? Infinity) && r.method === "PATCH" && r.path.includes(`${casesPath}/${options.itemId}/fields`))?.t;
  // The school's invitation: the event's attendees read, and written when the school is not on them yet.
  const invitation = graph.filter((r) => r.t >= (marks.write ?? Infinity) && r.t <= options.postedAt && /\/events\//.test(r.path));
  marks.meeting = (invitation.find((r) => r.method === "PATCH") ?? invitation[invitation.length - 1])?.t;
  marks.post = options.postedAt;
  return marks;
}

/**
 * Each stage's time (from the mark before it) summarised over many changes: median and p95 in ms, and how many
 * changes had the mark.
 *
 * @example
 * stageTimes([{ edit: 0, notified: 60, queued: 75, dequeued: 140, delta: 170, write: 220, meeting: 300, post: 420 }]).dequeued
 * // { p50: 65, p95: 65, n: 1 }
 */
export function stageTimes(all: readonly Partial<Record<Stage | "edit", number>>[]): Record<Stage, { p50: number | null; p95: number | null; n: number }> {
  const out = {} as Record<Stage, { p50: number | null; p95: number | null; n: number }>;
  const order = ["edit", ...STAGES] as const;
  for (let i = 1; i < order.length; i++) {
    const stage = order[i] as Stage;
    const previous = order[i - 1]!;
    const values = all.map((m) => (m[stage] !== undefined && m[previous] !== undefined ? m[stage]! - m[previous]! : undefined)).filter((v): v is number => v !== undefined);
    out[stage] = { p50: values.length ? round1(percentile(values, 50)!) : null, p95: values.length ? round1(percentile(values, 95)!) : null, n: values.length };
  }
  return out;
}

/** The per-stage summary as report lines, slowest median first marked. */
export function timelineNotes(times: Record<Stage, { p50: number | null; p95: number | null; n: number }>): string[] {
  const slowest = STAGES.reduce((a, b) => ((times[b].p50 ?? -1) > (times[a].p50 ?? -1) ? b : a));
  return [
    `Per stage (p50 / p95 ms, from the mark before; ${times.notified.n} changes): ${STAGES.map((s) => `${s} ${times[s].p50 ?? "—"} / ${times[s].p95 ?? "—"}`).join(" → ")}. Slowest: ${slowest}.`,
    ...STAGES.map((s) => `  - ${s}: ${stageMeaning[s]}.`),
  ];
}

/**
 * One change in detail: every host invocation and Graph request between its edit and its card, with its offset in
 * ms from the edit (list ids shown by name).
 *
 * @example
 * changeDetail({ editedAt, postedAt, invocations, requests, listNames }) // "+0 edit; +61 notifications…; +140 GET Cases/items/delta; …"
 */
export function changeDetail(options: { editedAt: number; postedAt: number; invocations: readonly HostInvocation[]; requests: readonly RequestLogEntry[]; listNames: ReadonlyMap<string, string> }): string {
  const { editedAt, postedAt } = options;
  const within = (t: number) => t >= editedAt && t <= postedAt;
  const events: { t: number; what: string }[] = [{ t: editedAt, what: "edit" }, { t: postedAt, what: "card arrives" }];
  for (const i of options.invocations) {
    if (within(i.startedAt)) events.push({ t: i.startedAt, what: `${i.fn} starts` });
    if (i.endedAt !== undefined && within(i.endedAt)) events.push({ t: i.endedAt, what: `${i.fn} ends` });
  }
  for (const r of options.requests) {
    const t = Date.parse(r.at);
    if (!within(t)) continue;
    const path = r.path.split("?")[0]!.replace(/^\/sites\/[^/]+\/lists\/([^/]+)/, (_, id: string) => options.listNames.get(id) ?? "list").replace(/^\/users\/[^/]+/, "mailbox").replace(/\/(events|items)\/(?!delta\b)[^/]+/, "/$1/{id}");
    events.push({ t, what: `${r.method} ${path}${r.batch ? " (in $batch)" : ""}` });
  }
  return events.sort((a, b) => a.t - b.t).map((e) => `+${e.t - editedAt} ${e.what}`).join("; ");
}
