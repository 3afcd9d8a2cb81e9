import { describe, expect, it } from "vitest";
import { percentile } from "../../bench/stats";
import { toJson, toMarkdown, type BenchReport } from "../../bench/report";

describe("the bench's report", () => {
  it("takes nearest-rank percentiles", () => {
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(percentile([5, 1, 3, 2, 4], 95)).toBe(5);
    expect(percentile(Array.from({ length: 1000 }, (_, i) => i + 1), 99)).toBe(990);
    expect(percentile([], 50)).toBeUndefined();
  });

  it("has every key issue 8 names, and shows a figure that could not be measured as null with its reason", () => {
    const report: BenchReport = {
      startedAt: "2026-11-25T02:00:00.000Z",
      durationMs: 1,
      machine: { node: "22", platform: "linux-x64", cpus: 2, cpuModel: "cpu" },
      figures: [
        { key: "webhookAck", title: "", values: { p50Ms: 1, p95Ms: 2, p99Ms: 3 }, reference: { text: "3 s", value: 3000 }, meets: true, notes: [] },
        { key: "graphCallsPerCase", title: "", values: { actual: 20, minimum: 12 }, reference: { text: "12" }, meets: null, notes: [] },
        { key: "coldStart", title: "", values: { bundledMs: 1, unbundledMs: 2 }, reference: { text: "" }, meets: true, notes: [] },
        { key: "attendance", title: "", values: { schools: 300, pupils: 5000, buildMs: 900, sendRatePerMinute: 29.7, limitPerMinute: 30, duplicates: 0, lost: 0 }, reference: { text: "30 a minute", value: 30 }, meets: true, notes: [] },
        { key: "changeToCard", title: "", values: { p50Ms: 640, p95Ms: 910 }, reference: { text: "60 s", value: 60_000 }, meets: true, notes: [] },
        { key: "laterFigure", title: "", values: { p50Ms: null }, reference: { text: "" }, meets: null, notes: [], notMeasured: "not timed yet: the workflow is not built" },
      ],
    };
    const json = toJson(report) as Record<string, Record<string, unknown>>;
    expect(Object.keys(json.webhookAck!)).toEqual(expect.arrayContaining(["p50Ms", "p95Ms", "p99Ms", "reference"]));
    expect(json.changeToCard).toMatchObject({ p50Ms: 640, p95Ms: 910, meets: true });
    expect(json.laterFigure).toMatchObject({ p50Ms: null, notMeasured: expect.stringMatching(/not timed yet/) });
    expect(Object.keys(json.attendance!)).toEqual(expect.arrayContaining(["schools", "pupils", "buildMs", "sendRatePerMinute", "limitPerMinute", "duplicates", "lost", "reference"]));
    expect(toMarkdown(report)).toMatch(/\| laterFigure +\| p50Ms +\| — .*not measured yet/);
    expect(toMarkdown(report)).toMatch(/\| changeToCard +\| p50Ms +\| 640 /);
  });
});
