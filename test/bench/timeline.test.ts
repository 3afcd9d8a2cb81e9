import { describe, expect, it } from "vitest";
import { changeDetail, changeMarks, hostInvocations, stageTimes } from "../../bench/timeline";
import type { RequestLogEntry } from "../../sandbox/graph/server";

const t0 = Date.parse("2026-12-02T09:00:00.000Z");
const at = (ms: number) => new Date(t0 + ms).toISOString();
const line = (ms: number, text: string) => `${at(ms)} [information] (host) ${text}`;
const request = (ms: number, method: string, path: string): RequestLogEntry => ({ at: at(ms), method, path, status: 200, durationMs: 1 });

describe("the bench's timeline of one change", () => {
  const output = [
    line(60, "Executing 'Functions.notifications' (Reason='x', Id=aaaa-1)"),
    line(75, "Executed 'Functions.notifications' (Succeeded, Id=aaaa-1, Duration=15ms)"),
    line(140, "Executing 'Functions.listChanges' (Reason='New queue message detected on 'list-changes'.', Id=bbbb-2)"),
    "2026-12-02T09:00:00.150Z [information] (listChanges bbbb) {\"message\":\"not a host line\"}",
  ].join("\n");
  const requests = [
    request(20, "GET", "/sites/s/lists/cases-id/items/delta?token=old"), // before the queue: not this change's
    request(170, "GET", "/sites/s/lists/cases-id/items/delta?token=t"),
    request(220, "PATCH", "/sites/s/lists/cases-id/items/17/fields"),
    request(260, "GET", "/sites/s/lists/meetings-id/items"),
    request(300, "GET", "/users/p@x.example/events/AAMk1?$select=attendees"),
  ];

  it("marks each stage from the host's lines and the sandbox's requests, the first of each after the one before", () => {
    const invocations = hostInvocations(output);
    expect(invocations).toEqual([
      { fn: "notifications", id: "aaaa-1", startedAt: t0 + 60, endedAt: t0 + 75 },
      { fn: "listChanges", id: "bbbb-2", startedAt: t0 + 140 },
    ]);
    const marks = changeMarks({ editedAt: t0, postedAt: t0 + 420, invocations, requests, casesListId: "cases-id", itemId: "17" });
    expect(marks).toEqual({ edit: t0, notified: t0 + 60, queued: t0 + 75, dequeued: t0 + 140, delta: t0 + 170, write: t0 + 220, meeting: t0 + 300, post: t0 + 420 });
    expect(stageTimes([marks]).dequeued).toEqual({ p50: 65, p95: 65, n: 1 });
    expect(stageTimes([marks]).post).toEqual({ p50: 120, p95: 120, n: 1 });
  });

  it("leaves a stage out of the summary when its mark is missing, rather than guessing", () => {
    const marks = changeMarks({ editedAt: t0, postedAt: t0 + 420, invocations: [], requests, casesListId: "cases-id", itemId: "17" });
    expect(marks.notified).toBeUndefined();
    expect(stageTimes([marks]).notified.n).toBe(0);
  });

  it("lists one change's invocations and requests by their offset from the edit, lists by name", () => {
    const detail = changeDetail({ editedAt: t0, postedAt: t0 + 420, invocations: hostInvocations(output), requests, listNames: new Map([["cases-id", "Cases"], ["meetings-id", "Meetings"]]) });
    expect(detail).toBe("+0 edit; +20 GET Cases/items/delta; +60 notifications starts; +75 notifications ends; +140 listChanges starts; +170 GET Cases/items/delta; +220 PATCH Cases/items/{id}/fields; +260 GET Meetings/items; +300 GET mailbox/events/{id}; +420 card arrives");
  });
});
