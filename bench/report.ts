/**
 * One figure of the bench: its value(s) beside the reference it is judged against, measured in the same run.
 * A figure that needs a workflow not built yet has null values and says which issue it waits for.
 */
export interface Figure {
  /** The key in report.json, e.g. "webhookAck". */
  key: string;
  title: string;
  /** The values under the key (issue 8's names); null when not measured. */
  values: Record<string, number | null>;
  /** The reference, in words and (where it is a number) as a value in the same unit. */
  reference: { text: string; value?: number; unit?: string };
  /** Whether the figure meets its reference (null when not measured or when there is nothing to pass). */
  meets: boolean | null;
  /** How it was measured, and anything a reader should know (derivations, breakdowns). */
  notes: string[];
  /** Set when the figure could not be measured yet, with the reason. */
  notMeasured?: string;
}

export interface BenchReport {
  startedAt: string;
  durationMs: number;
  machine: { node: string; platform: string; cpus: number; cpuModel: string };
  figures: Figure[];
}

/**
 * report.json: issue 8's keys at the top level (`webhookAck.p50Ms` …), each with its reference and notes beside.
 *
 * @example
 * toJson(report).webhookAck // { p50Ms: 4.1, p95Ms: 9.8, p99Ms: 14.2, reference: { text: "…", value: 3000, unit: "ms" }, meets: true, … }
 */
export function toJson(report: BenchReport): Record<string, unknown> {
  const out: Record<string, unknown> = { startedAt: report.startedAt, durationMs: report.durationMs, machine: report.machine };
  for (const f of report.figures) {
    out[f.key] = { ...f.values, reference: f.reference, meets: f.meets, ...(f.notMeasured ? { notMeasured: f.notMeasured } : {}), notes: f.notes };
  }
  return out;
}

const show = (v: number | null | undefined) => (v === null || v === undefined ? "—" : String(v));

/**
 * The table printed on the console and at the top of report.md: one row per value, the reference and whether
 * it is met on each figure's first row.
 *
 * @example
 * toTable(report)[2] // "| webhookAck | p50Ms | 91.5 | Graph's 3 s deadline … | yes |"
 */
export function toTable(report: BenchReport): string[] {
  const rows = report.figures.flatMap((f) =>
    Object.entries(f.values).map(([k, v], i) => [i === 0 ? f.key : "", k, show(v), i === 0 ? `${f.reference.text}` : "", i === 0 ? (f.notMeasured ? "not measured yet" : f.meets === null ? "" : f.meets ? "yes" : "NO") : ""]),
  );
  const head = ["figure", "value", "measured", "reference", "meets"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | ")} |`;
  return [line(head), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(line)];
}

/**
 * report.md: the table, then each figure's reference, method and notes.
 *
 * @example
 * writeFileSync("bench/report.md", toMarkdown(report));
 */
export function toMarkdown(report: BenchReport): string {
  const lines = [
    "# Inclusion Flow bench",
    "",
    `Run ${report.startedAt} in ${(report.durationMs / 1000).toFixed(0)} s on ${report.machine.cpus} × ${report.machine.cpuModel}, Node ${report.machine.node} (${report.machine.platform}). Everything on loopback: the Graph sandbox, Azurite and the app in the local Functions host.`,
    "",
    ...toTable(report),
    "",
  ];
  for (const f of report.figures) {
    lines.push(`## ${f.title} (\`${f.key}\`)`, "");
    if (f.notMeasured) lines.push(`**Not measured yet:** ${f.notMeasured}`, "");
    lines.push(`Reference: ${f.reference.text}`, "");
    for (const n of f.notes) lines.push(`- ${n}`);
    lines.push("");
  }
  return lines.join("\n");
}
