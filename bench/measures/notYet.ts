import type { Figure } from "../report";

/**
 * Figures whose workflows other issues build. Their keys are in the report from the start (values null, with
 * the reason), so a reader sees what is missing; each becomes a measure module of its own when its workflow
 * lands (see bench/README.md, "Adding a figure").
 *
 * @example
 * notMeasuredYet()[0] // { key: "changeToCard", values: { p50Ms: null, p95Ms: null }, notMeasured: "not timed yet: …", … }
 */
export function notMeasuredYet(): Figure[] {
  return [
    {
      key: "changeToCard",
      title: "List change → Core Group card posted",
      values: { p50Ms: null, p95Ms: null },
      reference: { text: "a 60 s polling trigger (Power Automate / a timer polling the list)", value: 60_000, unit: "ms" },
      meets: null,
      notMeasured: "not timed yet: the bot posts every card exactly once (the soak counts them), but the bench does not yet time a list change to the card's post",
      notes: ["To measure: PATCH a case to Ready for Core Group in the sandbox (as a person), time until the bot's card reaches the Teams channel port."],
    },
  ];
}
