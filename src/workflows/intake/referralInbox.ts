import type { ReferralInboxRow } from "../../domain/lists";
import { isReadable, type ItemRead, type ListItems, type WatchedColumns } from "../../m365/sharepoint/items";
import type { Mailer } from "../../m365/outlook/mail";
import { sendMailOnce } from "../../m365/outlook/mailOnce";
import type { EffectLedger } from "../../m365/tables/effectLedger";
import type { ListChangeHandler } from "../listChanges/processListChanges";
import { referralNotAccepted } from "../messages/schoolMessages";
import { formsSubmissionSchema, MAX_SUBMISSION_BYTES, type FormsSubmission } from "./formsSubmission";
import type { AnswerProblem } from "./receiveReferral";
import { acceptReferral, type ReferralIntakePorts } from "./referralRules";
import { writeCase, type WriteCasePorts } from "./writeCase";

/**
 * The referral route on standard connectors: the Power Automate flow leaves each Forms response as an item in the
 * Referral inbox list (SharePoint "Create item", a standard connector), and the app takes it through the same intake
 * as the HTTP route — the same validation, the same idempotency by response id, the same quotas and routing
 * (`acceptReferral`), the same writing of the case (`writeCase`) — then removes it. No HTTP answer reaches the flow,
 * so a refused response is answered here: the responder gets an email listing each problem by the question's
 * wording, and the item stays, marked refused with those problems, for the Coordinator.
 */

export interface ReferralInboxPorts {
  inbox: ListItems<ReferralInboxRow>;
  /** The shared intake (as the HTTP route has it); its queue is not used here: the case is written straight away. */
  intake: ReferralIntakePorts;
  writeCase: WriteCasePorts;
  ledger: EffectLedger;
  mailer: Mailer;
  partnershipName: string;
  now(): Date;
  log(message: string): void;
}

/**
 * What became of one inbox item: `written` (the case, or the open case it joined, is written and the item removed),
 * `refused` (the responder told why; the item kept, marked), `alreadyRefused`, `unreadable` (the flow's item is not a
 * response: kept, marked, for the administrator), `waiting` (accepted but not yet written — another submission for the
 * pupil is being accepted, or the mailbox is over its sending limit: the inbox sweep takes it again).
 */
export type InboxOutcome = "written" | "refused" | "alreadyRefused" | "unreadable" | "waiting";

/** The columns whose change brings an item back: a new response, or the app's own mark. Never the answers. */
export const referralInboxWatches: WatchedColumns<ReferralInboxRow> = {
  ResponseId: { column: "ResponseId", as: "text" },
  InboxStatus: { column: "InboxStatus", as: "nonEmptyText" },
};

/**
 * The inbox item as the intake's submission envelope: the "Get response details" body the flow wrote as JSON, with
 * the response's id, time and responder from their columns. Forms gives every answer as text; numbers and yes/no
 * are taken as their text, anything else (no answer) is left out.
 *
 * @example
 * inboxSubmission({ ResponseId: "17", SubmittedAt: "2026-11-23T09:12:00Z", Responder: "senco@oakfield.example", Answers: '{"requestType":"Partnership referral"}' })
 * // { ok: true, submission: { responseId: "17", submittedAt: "2026-11-23T09:12:00Z", responder: "senco@oakfield.example", answers: { requestType: "Partnership referral" } } }
 * inboxSubmission({ ...row, Answers: "not json" }) // { ok: false, problem: "The Answers column is not the JSON of \"Get response details\"." }
 */
export function inboxSubmission(row: ReferralInboxRow): { ok: true; submission: FormsSubmission } | { ok: false; problem: string } {
  if (Buffer.byteLength(row.Answers, "utf8") > MAX_SUBMISSION_BYTES) return { ok: false, problem: `The answers are larger than ${MAX_SUBMISSION_BYTES / 1024} KB.` };
  let json: unknown;
  try {
    json = JSON.parse(row.Answers);
  } catch {
    json = undefined;
  }
  if (!json || typeof json !== "object" || Array.isArray(json)) return { ok: false, problem: 'The Answers column is not the JSON of "Get response details".' };
  const answers: Record<string, string> = {};
  for (const [id, value] of Object.entries(json as Record<string, unknown>)) {
    if (typeof value === "string") answers[id] = value;
    else if (typeof value === "number" || typeof value === "boolean") answers[id] = String(value);
  }
  const parsed = formsSubmissionSchema.safeParse({ responseId: row.ResponseId, submittedAt: row.SubmittedAt, responder: row.Responder, answers });
  if (!parsed.success) return { ok: false, problem: `The flow's item is not a Forms response (${parsed.error.issues.map((i) => `${i.path.join(".") || "item"}: ${i.message}`).join("; ")}).` };
  return { ok: true, submission: parsed.data };
}

/**
 * Takes one Referral inbox item through the intake; see `InboxOutcome`. Safe to repeat (a notification twice, the
 * sweep after a round): the intake is idempotent by response id, the case and its emails are written once, the
 * refusal is sent once (by its response id), and removing an item already gone is not an error.
 *
 * @example
 * await takeReferral(ports, item) // "written": LNCIP-2026-0042 is in the Cases list and the item is gone
 */
export async function takeReferral(ports: ReferralInboxPorts, item: ItemRead<ReferralInboxRow>): Promise<InboxOutcome> {
  if (!isReadable(item)) {
    // The flow wrote something the list's row cannot hold (a column left unmapped): the administrator's to fix.
    if (item.readable.InboxStatus === "refused") return "alreadyRefused";
    ports.log(`Referral inbox item ${item.id} is not a Forms response (${item.problems.length} problem(s)); kept, marked, for the administrator`);
    await ports.inbox.update(item, { InboxStatus: "refused", Problems: `The flow's item could not be read: ${item.problems.join("; ")}`.slice(0, 20_000), RefusedAt: ports.now().toISOString() });
    return "unreadable";
  }
  const row = item.row;
  if (row.InboxStatus === "refused") return "alreadyRefused";
  const read = inboxSubmission(row);
  if (!read.ok) {
    ports.log(`Referral inbox item ${item.id} (response ${row.ResponseId}) is not a Forms response; kept, marked, for the administrator`);
    await ports.inbox.update(item, { InboxStatus: "refused", Problems: read.problem, RefusedAt: ports.now().toISOString() });
    return "unreadable";
  }
  const submission = read.submission;
  // The case is written straight away below (this runs in a queue or a timer, never against the flow's clock).
  const answer = await acceptReferral({ ...ports.intake, enqueue: async () => undefined }, submission);
  switch (answer.status) {
    case 422:
      await refuse(ports, item.id, submission, answer.problems);
      return "refused";
    case 503:
      ports.log(`Referral inbox: response ${submission.responseId} waits (another submission for the pupil is being accepted)`);
      return "waiting";
    case 429:
      // Over the day's quota for the responder or the school: kept in the inbox (nothing lost), taken once it allows.
      ports.log(`Referral inbox: response ${submission.responseId} waits (${answer.message})`);
      return "waiting";
    case 200:
    case 202: {
      const written = await writeCase(ports.writeCase, submission.responseId);
      if (written === "mailDeferred" || written === "unknown") {
        ports.log(`Referral inbox: response ${submission.responseId} → ${answer.caseRef}, not yet written (${written}); the sweep takes it again`);
        return "waiting";
      }
      await ports.inbox.delete(item.id);
      ports.log(`Referral inbox: response ${submission.responseId} → ${answer.caseRef} (${written}); item removed`);
      return "written";
    }
    default: {
      // Every answer the intake can give is handled above: a new one fails to compile here.
      const unhandled: never = answer;
      throw new Error(`The intake answered ${JSON.stringify(unhandled)}, which the Referral inbox does not handle`);
    }
  }
}

/** Tells the responder, once, what to correct (each problem by the question's wording), and marks the item. */
async function refuse(ports: ReferralInboxPorts, itemId: string, submission: FormsSubmission, problems: readonly AnswerProblem[]): Promise<void> {
  const message = referralNotAccepted(problems, ports.partnershipName);
  await sendMailOnce(ports.ledger, ports.mailer, `mail:referral-refused:${submission.responseId}`, [submission.responder.toLowerCase()], message.subject, message.html);
  const current = await ports.inbox.read(itemId);
  if (current) {
    await ports.inbox.update(current, {
      InboxStatus: "refused",
      Problems: problems.map((p) => `${p.question}: ${p.message}`).join("\n").slice(0, 20_000),
      RefusedAt: ports.now().toISOString(),
    });
  }
  ports.log(`Referral inbox: response ${submission.responseId} refused (${problems.length} problem(s)); the responder was told`);
}

/**
 * The Referral inbox as a watched list: each new item (a change notification, a poll, or upkeep's delta) is taken
 * through the intake.
 *
 * @example
 * watchedList(referralInboxHandler(ports))
 */
export function referralInboxHandler(ports: ReferralInboxPorts): ListChangeHandler<ReferralInboxRow> {
  return {
    items: ports.inbox,
    watches: referralInboxWatches,
    async changed(_before, item) {
      await takeReferral(ports, item);
    },
  };
}

/**
 * The Referral inbox's backstop (a timer): every item not yet taken — accepted but waiting, or never seen because its
 * notification was lost — is taken again. One item's failure never stops the others. Returns what became of them.
 *
 * @example
 * await sweepReferralInbox(ports) // { written: 0, refused: 0, waiting: 0, failed: 0 } when all is well
 */
export async function sweepReferralInbox(ports: ReferralInboxPorts): Promise<{ written: number; refused: number; waiting: number; failed: number }> {
  const counts = { written: 0, refused: 0, waiting: 0, failed: 0 };
  for (const item of await ports.inbox.readAll()) {
    try {
      const outcome = await takeReferral(ports, item);
      if (outcome === "written") counts.written++;
      else if (outcome === "refused" || outcome === "unreadable") counts.refused++;
      else if (outcome === "waiting") counts.waiting++;
    } catch (e) {
      counts.failed++;
      ports.log(`Referral inbox item ${item.id}: ${e instanceof Error ? e.name : "Error"}; tried again next sweep`);
    }
  }
  return counts;
}
