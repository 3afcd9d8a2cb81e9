import type { Figure } from "../report";

/**
 * Figures whose workflows other issues build. Their keys are in the report from the start (values null, with
 * the reason), so a reader sees what is missing; each becomes a measure module of its own when its workflow
 * lands (see bench/README.md, "Adding a figure").
 *
 * @example
 * notMeasuredYet()[0] // { key: "changeToCard", values: { p50Ms: null, p95Ms: null }, notMeasured: "needs issue 5 …", … }
 */
export function notMeasuredYet(): Figure[] {
  return [
    {
      key: "changeToCard",
      title: "List change → Core Group card posted",
      values: { p50Ms: null, p95Ms: null },
      reference: { text: "a 60 s polling trigger (Power Automate / a timer polling the list)", value: 60_000, unit: "ms" },
      meets: null,
      notMeasured: "needs issue 5 (the Teams bot and the Core Group card): no card is posted yet — the effect is parked in pendingEffects",
      notes: ["To measure: PATCH a case to Ready for Core Group in the sandbox (as a person), time until the bot's card reaches the Teams channel port."],
    },
    {
      key: "attendance",
      title: "Attendance digests for 300 schools / 5,000 pupils",
      values: { schools: null, pupils: null, buildMs: null, sendRatePerMinute: null, limitPerMinute: 30, duplicates: null, lost: null },
      reference: { text: "Exchange's 30 messages a minute per mailbox; 0 duplicates, 0 lost", value: 30, unit: "messages/minute" },
      meets: null,
      notMeasured: "needs issue 7 (daily attendance): no digest is built or sent yet",
      notes: ["limitPerMinute is the sandbox's and Exchange Online's per-mailbox sending limit (30 a minute); the rest waits for the digest workflow."],
    },
  ];
}
