import type { ReferralForm } from "../../domain/referral/referralForm";
import { findCaseItem } from "../cases/findCase";
import { requestTypeLabels } from "../../domain/referral/referralForm";
import { caseStateFromRow, newCaseEffects, newCaseRow } from "../../domain/case/caseRecord";
import { routeSubmission, type PupilCases } from "../../domain/case/intakeRoute";
import type { CaseEffect } from "../../domain/case/effects";
import { isNamed } from "../../domain/referral/referralForm";
import type { OpenCaseIndex } from "../../m365/tables/openCases";
import type { CaseCommandPort } from "../cases/caseCommand";
import type { EffectRow } from "../cases/casesHandler";
import type { CasesRow } from "../../domain/lists";
import type { AuditTrail } from "../../m365/tables/auditTrail";
import type { EffectLedger } from "../../m365/tables/effectLedger";
import type { SubmissionStore } from "../../m365/tables/submissions";
import type { LinkedSubmissions } from "../../m365/tables/linkedSubmissions";
import { linkedSubmissionsSummary } from "../../domain/case/linkedSubmissions";
import { continuedLine } from "./writeReferralIntoCase";
import { isReadable, type ListItems, type ListItem } from "../../m365/sharepoint/items";
import type { AppState } from "../../m365/tables/appState";
import { keepWorkflowRecord, workflowRecordOf } from "../cases/workflowShadow";
import { graphStatus, ItemChangedError } from "../../m365/sharepoint/graphErrors";
import { MailboxBusyError, retryAfterMs, type Mailer } from "../../m365/outlook/mail";
import { sendMailOnce } from "../../m365/outlook/mailOnce";
import { referralReceived } from "../messages/schoolMessages";
import { anotherSubmission, newReferral } from "../messages/partnershipSencoMessages";
import type { SchoolDirectory } from "../schools/schoolDirectory";

export interface WriteCasePorts {
  submissions: SubmissionStore;
  /** Every later submission of each case (the Cases column shows a count and the latest few). */
  linked: LinkedSubmissions;
  cases: ListItems<CasesRow>;
  ledger: EffectLedger;
  audit: AuditTrail;
  /**
   * The partnership mailbox. Best one that does not wait out Exchange's Retry-After (`graphMailer`'s "defer"): a
   * case item written after a throttled email's waits would keep the coordinator waiting for it.
   */
  mailer: Mailer;
  /**
   * Takes the submission again once the mailbox's Retry-After has passed (the case-intake queue, the message
   * hidden until then), for the emails it still owes. Without it, the 10-minute sweep takes it.
   */
  takeAgainAfter?: (responseId: string, delayMs: number) => Promise<void>;
  schools: SchoolDirectory;
  partnershipName: string;
  sencoEmail: string;
  now: () => Date;
  /** Called with each item the app writes, so its own change notification is not taken for a person's edit. */
  rememberWrite?: (item: ListItem<CasesRow>) => Promise<void>;
  /** Which case holds each named pupil, and each pupil's last ended case (a new case names it). */
  openCases: OpenCaseIndex;
  /** The one way to change a case: a named referral continuing its pupil's Inclusion Forum case goes through it. */
  caseCommand: CaseCommandPort;
  /** Carries out a new case's effects beyond the acknowledgement and the SENCO's notice (the Director asked for an exception). */
  carryOut(effects: readonly CaseEffect[], row: EffectRow): Promise<void>;
  /**
   * Where the workflow keeps its own record of each case item (cases/workflowShadow). A new case's record is kept as
   * the intake writes the item, so a person's first edit of it is checked against what the app wrote — never taken
   * for the record, as it would be if the Cases handler first met the case through that edit.
   */
  state?: AppState;
}

/**
 * Writes an accepted submission to SharePoint and tells the people who need to know — once, however often the
 * queue message is retried: the case item (found again by its case reference if a crash came between writing
 * it and recording that), the referrer's acknowledgement (case reference only), the partnership SENCO's notice,
 * and the audit entry. A new case names the pupil's last ended case, if they had one; a Partnership referral with
 * no Inclusion Forum case asks the Director for an exception. A submission for a pupil with an open case goes into
 * that case (`routeSubmission`): a named Partnership referral continues its pupil's open Inclusion Forum case —
 * the case becomes the referral, its answers are written into it, the SENCO is told — and anything else is added
 * to the case as a later submission.
 *
 * @example
 * await writeCase(ports, "17") // the Cases list has LNCIP-2026-0042; the referrer and the SENCO have an email
 */
export async function writeCase(ports: WriteCasePorts, responseId: string): Promise<"written" | "linked" | "continued" | "alreadyDone" | "unknown" | "mailDeferred"> {
  try {
    return await writeCaseOnce(ports, responseId);
  } catch (e) {
    // The partnership mailbox is over Exchange's sending limit: the case is safe in SharePoint; the submission stays
    // pending and is taken again after the Retry-After (the sweep too), its emails each sent once by their ledger
    // keys — rather than waiting here, holding up the next referrals' case items, or spending the message's tries.
    // Only the mailbox's limit: SharePoint throttling fails the message, which the queue retries in seconds. (A new
    // case's own effects, the Director's exception, may leave an email owed in the same way.)
    if (!(e instanceof MailboxBusyError)) throw e;
    await ports.takeAgainAfter?.(responseId, e.retryAfterMs);
    return "mailDeferred";
  }
}

/** Sends an intake email once, through the send-once path (ledger key, Sent Items after a crash). */
async function mailOnce(ports: WriteCasePorts, key: string, to: readonly string[], message: { subject: string; html: string }): Promise<void> {
  try {
    await sendMailOnce(ports.ledger, ports.mailer, key, to, message.subject, message.html);
  } catch (e) {
    // A mailer that waits (not the deferring one) gives up with Graph's 429: the same for the intake.
    if (graphStatus(e) === 429) throw new MailboxBusyError("The partnership mailbox", retryAfterMs(e));
    throw e;
  }
}

async function writeCaseOnce(ports: WriteCasePorts, responseId: string): Promise<"written" | "linked" | "continued" | "alreadyDone" | "unknown"> {
  const submission = await ports.submissions.get(responseId);
  if (!submission) return "unknown";
  if (submission.state === "written") return "alreadyDone";
  const form = JSON.parse(submission.formJson) as ReferralForm;
  const school = await ports.schools.byUrn(form.schoolUrn);
  const schoolName = school?.SchoolName ?? `school ${form.schoolUrn}`;
  const caseRef = submission.caseRef;

  if (submission.linkedTo) {
    if ((await continueCase(ports, form, submission)) === "continued") {
      await mailOnce(ports, `mail:ack:${caseRef}:${responseId}`, [form.referrer.email], referralReceived(requestTypeLabels[form.requestType], caseRef, ports.partnershipName));
      await ports.submissions.markWritten(responseId);
      return "continued";
    }
    await ports.ledger.once(`link:${responseId}`, async () => {
      await appendLinkedSubmission(ports, caseRef, responseId, submission.receivedAt);
      return true;
    });
    await mailOnce(ports, `mail:senco-linked:${responseId}`, [ports.sencoEmail], anotherSubmission(caseRef, schoolName));
    await ports.audit.append({ caseRef, key: `${caseRef}:linked:${responseId}`, at: ports.now(), by: "forms", source: "forms", action: "linkSubmission", detail: `response ${responseId}` });
    await ports.submissions.markWritten(responseId);
    return "linked";
  }

  // A pupil referred again after their case ended: the new case names the one before.
  const upn = isNamed(form) ? form.pupil?.upn : undefined;
  const lastEnded = upn ? await ports.openCases.lastEnded(upn) : undefined;
  const previousCaseRef = lastEnded && lastEnded !== caseRef ? lastEnded : undefined;
  const row = newCaseRow(form, { caseRef, receivedAt: submission.receivedAt, responseId, previousCaseRef });
  const keepRecord = async (itemId: string | undefined) => {
    if (ports.state && itemId) await keepWorkflowRecord(ports.state, itemId, workflowRecordOf(row));
  };
  const { result: itemId } = await ports.ledger.once(
    `case-item:${caseRef}`,
    async () => {
      const item = await ports.cases.create(row);
      await keepRecord(item.id);
      await ports.rememberWrite?.(item);
      return item.id;
    },
    { alreadyDone: async () => (await findCaseItem(ports.cases, caseRef))?.id },
  );
  // Again when the item was written by an attempt that died before keeping its record (from the row written, never
  // from the item, which a person may have edited since): kept once, a repeat changes nothing.
  await keepRecord(itemId);
  const what = requestTypeLabels[form.requestType];

  await mailOnce(ports, `mail:ack:${caseRef}`, [form.referrer.email], referralReceived(what, caseRef, ports.partnershipName));
  await mailOnce(ports, `mail:senco-new:${caseRef}`, [ports.sencoEmail], newReferral(what, caseRef, schoolName, form.yearGroup));
  // The Director asked for an exception when the referral came with no Inclusion Forum case (each effect once, by key).
  await ports.carryOut(newCaseEffects(caseRef, row.Status), { CaseRef: caseRef, CoreGroupOutcome: undefined, SchoolUrn: form.schoolUrn, ReferrerEmail: form.referrer.email });
  await ports.audit.append({ caseRef, key: `${caseRef}:received`, at: ports.now(), by: form.referrer.email, source: "forms", action: "receiveReferral", to: row.Status });
  await ports.submissions.markWritten(responseId);
  return "written";
}

/**
 * A submission for a pupil with an open case: if it is a named Partnership referral and the case is the pupil's
 * Inclusion Forum case, the case takes it on through the state machine (`continueAsReferral`: the case becomes the
 * Partnership referral, its answers are written into it, the SENCO is told, the audit says so). Done once: the case
 * records the response that continued it, so a retried message finds it done. Anything else — or a case that can no
 * longer take it on — is for linking.
 */
async function continueCase(ports: WriteCasePorts, form: ReferralForm, submission: { responseId: string; caseRef: string; receivedAt: string }): Promise<"continued" | "link"> {
  if ((await ports.ledger.get<boolean>(`link:${submission.responseId}`)) !== undefined) return "link"; // linked before: stays linked
  const item = await findCaseItem(ports.cases, submission.caseRef);
  if (!item) throw new Error(`Case ${submission.caseRef} is not in the Cases list yet; the submission will be retried.`);
  if (!isReadable(item)) return "link"; // never lost: added to the case as a later submission
  if (item.row.ReferralResponseId === submission.responseId) return "continued";
  const state = caseStateFromRow(item.row);
  const pupil: PupilCases = { openCase: { caseRef: state.caseRef, kind: state.kind, status: state.status, named: state.named } };
  const route = routeSubmission(form, pupil, { responseId: submission.responseId, by: form.referrer.email, at: submission.receivedAt });
  if (route.kind !== "continueCase") return "link";
  const result = await ports.caseCommand(route.caseRef, route.command);
  return result.ok ? "continued" : "link";
}

/**
 * Adds a later submission to the case's record: kept in the app's own storage (any number of them), and the case's
 * "Later submissions" column rewritten from it — how many, and the latest few — re-reading and retrying if a
 * coordinator edits the item meanwhile.
 */
async function appendLinkedSubmission(ports: WriteCasePorts, caseRef: string, responseId: string, at: string): Promise<void> {
  await ports.linked.add(caseRef, { responseId, receivedAt: at });
  const later = linkedSubmissionsSummary(await ports.linked.forCase(caseRef));
  for (let attempt = 0; attempt < 5; attempt++) {
    const item = await findCaseItem(ports.cases, caseRef);
    if (!item) throw new Error(`Case ${caseRef} is not in the Cases list yet; the submission will be retried.`);
    const existing = (isReadable(item) ? item.row.LinkedSubmissions : item.readable.LinkedSubmissions) ?? "";
    // The referral that continued the case (writeReferralIntoCase's line) is no later submission: it stays first.
    const continued = await continuedReferralLine(ports, isReadable(item) ? item.row.ReferralResponseId : item.readable.ReferralResponseId, existing);
    const summary = continued ? `${continued}\n${later}` : later;
    if (existing === summary) return;
    try {
      const updated = await ports.cases.update(item, { LinkedSubmissions: summary }, { ifUnchanged: true });
      if (isReadable(updated)) await ports.rememberWrite?.(updated);
      return;
    } catch (e) {
      if (!(e instanceof ItemChangedError)) throw e;
    }
  }
  throw new Error(`Case ${caseRef} kept changing while a later submission was being added; it will be retried.`);
}

/**
 * The line a case continued by a Partnership referral keeps for it in *Later submissions*: rebuilt from the stored
 * submission (so a column edited or rewritten never loses it), else as the column already shows it.
 */
async function continuedReferralLine(ports: WriteCasePorts, referralResponseId: string | undefined, existing: string): Promise<string | undefined> {
  if (!referralResponseId) return undefined;
  const stored = await ports.submissions.get(referralResponseId);
  if (stored) return continuedLine(referralResponseId, stored.receivedAt);
  return existing.split("\n").find((l) => l.startsWith(`response ${referralResponseId} received `));
}
