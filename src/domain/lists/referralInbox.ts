import { z } from "zod";
import { field } from "../fields/fieldMeta";
import type { ListDefinition } from "./columns";

/**
 * The Referral inbox: where the standard-licence Power Automate flow ("When a new response is submitted" → "Get
 * response details" → SharePoint "Create item") leaves each Referral Form response for the app, which takes it
 * through the same intake as the HTTP route and removes it once its case is written (a refused one stays, marked,
 * with what the school was told).
 *
 * Why the answers are one JSON text column and not a column per question: each tenant's form has its own question
 * ids, and the form definition (REFERRAL_FORM_DEFINITION) already maps them to the Referral Form's fields. Keeping
 * the "Get response details" body as it comes means the flow needs no change when a question is added or reworded,
 * the list needs no new column, the app reads exactly what the HTTP route's `answers` carries (one parser, one set
 * of rules), and the item is transient anyway: it is removed once the case is written, so nobody works from it.
 * The list is locked down (docs/forms-flow.md): only the flow's account and the app can read it.
 */
export const referralInboxRow = z.object({
  /** Forms' response id: the intake's idempotency key (the same response twice is one case). */
  ResponseId: field(z.string().trim().min(1).max(200), { column: "ResponseId", columnTitle: "Forms response", indexed: true }),
  SubmittedAt: field(z.iso.datetime({ offset: true }), { column: "SubmittedAt", columnTitle: "Submitted" }),
  /** Who submitted the form (Forms' responder): where a refusal is sent. */
  Responder: field(z.string().trim().max(255), { column: "Responder", columnTitle: "Responder" }),
  /** The "Get response details" body as JSON: question id → answer. A pupil's details: never logged. */
  Answers: field(z.string().max(262_144), { column: "Answers", columnTitle: "Answers (JSON)", personal: "freeText" }),
  /** Set by the app: refused (the school was told why); empty while the response waits for the app. */
  InboxStatus: field(z.enum(["refused"]).optional(), { column: "InboxStatus", columnTitle: "Status", labels: { refused: "Refused" } }),
  /** What the school was told, one problem a line, by the question's wording. */
  Problems: field(z.string().max(20_000).optional(), { column: "Problems", columnTitle: "Problems the school was told of" }),
  RefusedAt: field(z.iso.datetime({ offset: true }).optional(), { column: "RefusedAt", columnTitle: "Refused at" }),
});

export type ReferralInboxRow = z.output<typeof referralInboxRow>;

/**
 * The Referral inbox list (`ReferralInbox`, the flow's "Create item" target).
 *
 * @example
 * referralInboxList.name // "ReferralInbox"
 * referralInboxList.titleColumn // "ResponseId"
 */
export const referralInboxList: ListDefinition<typeof referralInboxRow> = {
  name: "ReferralInbox",
  // Its title is its name: Graph finds /lists/{segment} by id or title, and the app and the flow ask by name.
  displayName: "ReferralInbox",
  description: "Referral Form responses left by the Power Automate flow for the app; removed once each case is written. Locked down: the flow's account and the app only.",
  row: referralInboxRow,
  titleColumn: "ResponseId",
};
