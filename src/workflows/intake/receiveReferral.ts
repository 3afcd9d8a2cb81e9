import type { CaseNumberAllocator } from "../../m365/tables/caseNumbers";
import type { OpenCaseIndex } from "../../m365/tables/openCases";
import type { SubmissionStore } from "../../m365/tables/submissions";
import type { FormsSubmission } from "./formsSubmission";
import { countSubmission, quotaRefusal, type IntakeQuota } from "./intakeQuota";

/** A problem with one answer, named as the school sees the question. */
export interface AnswerProblem {
  question: string;
  message: string;
}

/** The Referral Form's rules, as the intake needs them (the domain supplies them). */
export interface ReferralRules<Form> {
  parse(answers: Record<string, string>): { ok: true; form: Form } | { ok: false; problems: AnswerProblem[] };
  /** The named pupil's UPN; undefined for an anonymous Inclusion Forum case (no identity at all). */
  pupilUpn(form: Form): string | undefined;
  /** The school the submission is for (its URN): whose daily quota it counts against. */
  schoolUrn(form: Form): string;
  caseReference(partnership: string, year: number, number: number): string;
}

export interface IntakePorts<Form> {
  rules: ReferralRules<Form>;
  submissions: SubmissionStore;
  openCases: OpenCaseIndex;
  caseNumbers: CaseNumberAllocator;
  /** Queues the submission for writing to SharePoint (identifiers only). */
  enqueue(message: { responseId: string }): Promise<void>;
  partnership: string;
  now: () => Date;
  /** Pause between looks at a pupil whose other submission is being accepted at this very moment. */
  sleep?: (ms: number) => Promise<void>;
  /** New submissions a day per responder and per school; none: no limit. */
  quota?: IntakeQuota | undefined;
  /**
   * Whether the case holding a pupil has ended (closed, withdrawn) though the index still names it: its close is
   * written before its effects free the pupil, so a new referral may land between the two. Asked only then.
   */
  caseHasEnded?: (caseRef: string) => Promise<boolean>;
}

export type IntakeAnswer =
  | { status: 202 | 200; caseRef: string; linkedTo?: string | undefined }
  | { status: 422; problems: AnswerProblem[] }
  | { status: 503; retryAfterSeconds: number }
  | { status: 429; retryAfterSeconds: number; message: string };

const PENDING = "pending:";

/**
 * A pupil's claim still pending after this long belongs to a submission whose flow gave up: no invocation lives past
 * host.json's functionTimeout (10 minutes), so its owner cannot be about to accept it. Another submission for the
 * pupil takes it over rather than answer 503 for that pupil for ever.
 */
export const STALE_PENDING_CLAIM_MS = 11 * 60_000;

/**
 * Accepts one Referral Form submission. Only the app's own storage is touched here — never Graph — so the
 * answer is quick and does not depend on SharePoint being available: the submission is stored, a case
 * reference is allocated, and writing the case to SharePoint is queued.
 *
 * - Invalid answers: 422 with every problem; nothing stored.
 * - The same responseId again: 200 with the same case reference (and the work is queued again, harmlessly).
 * - A named pupil who already has an open case: no new case and no new number; the submission is linked to it.
 * - Case numbers have no gaps: a number is allocated only for a submission that becomes a case, and a retried
 *   submission gets the number it had.
 * - A retry after a failure part-way finds the pupil's claim its own (never "linked to" a case never written): the
 *   pupil is claimed (pending), the number allocated, the submission stored, and only then is the claim confirmed
 *   to the case reference, so a confirmed claim always has its submission stored.
 * - A claim left pending by a flow that gave up is taken over once it is older than any invocation can live.
 * - A new submission over its responder's or its school's quota for the day: 429 with Retry-After (the next UK
 *   midnight) and why, nothing stored. A repeat of a submission already accepted is never refused.
 *
 * @example
 * await receiveReferral(ports, submission) // { status: 202, caseRef: "LNCIP-2026-0042" }
 * await receiveReferral(ports, submission) // { status: 200, caseRef: "LNCIP-2026-0042" }
 */
export async function receiveReferral<Form>(ports: IntakePorts<Form>, submission: FormsSubmission): Promise<IntakeAnswer> {
  const parsed = ports.rules.parse(submission.answers);
  if (!parsed.ok) return { status: 422, problems: parsed.problems };
  const upn = ports.rules.pupilUpn(parsed.form);
  const pending = `${PENDING}${submission.responseId}`;

  const seen = await ports.submissions.get(submission.responseId);
  if (seen) {
    if (seen.state === "accepted") {
      // A crash between storing the submission and confirming the pupil's claim: confirm it now (a no-op otherwise).
      if (upn && !seen.linkedTo) await ports.openCases.confirm(upn, pending, seen.caseRef);
      await ports.enqueue({ responseId: seen.responseId });
    }
    return { status: 200, caseRef: seen.caseRef, linkedTo: seen.linkedTo };
  }

  const receivedAt = ports.now();
  const quotaHolders = { responder: submission.responder, schoolUrn: ports.rules.schoolUrn(parsed.form) };
  if (ports.quota) {
    const refusal = await quotaRefusal(ports.quota, quotaHolders, receivedAt);
    if (refusal) return { status: 429, ...refusal };
  }
  let linkedTo: string | undefined;
  let ownCase: string | undefined;
  if (upn) {
    const holder = await holderOf(ports, upn, submission.responseId, receivedAt);
    if (holder === "busy") return { status: 503, retryAfterSeconds: 5 };
    if (!holder.claimed) linkedTo = holder.caseRef;
    else if (!holder.caseRef.startsWith(PENDING)) ownCase = holder.caseRef; // claimed and confirmed by an earlier attempt of ours
  }

  let caseRef: string;
  if (linkedTo) {
    caseRef = linkedTo;
  } else if (ownCase) {
    caseRef = ownCase;
  } else {
    const year = Number(receivedAt.toISOString().slice(0, 4));
    const number = await ports.caseNumbers.allocate(ports.partnership, year, submission.responseId);
    caseRef = ports.rules.caseReference(ports.partnership, year, number);
  }

  const { submission: stored, firstTime } = await ports.submissions.accept({
    responseId: submission.responseId,
    caseRef,
    receivedAt: receivedAt.toISOString(),
    formJson: JSON.stringify(parsed.form),
    linkedTo,
  });
  if (upn && !stored.linkedTo) await ports.openCases.confirm(upn, pending, stored.caseRef);
  if (firstTime && ports.quota) await countSubmission(ports.quota, quotaHolders, receivedAt);
  await ports.enqueue({ responseId: stored.responseId });
  return { status: firstTime ? 202 : 200, caseRef: stored.caseRef, linkedTo: stored.linkedTo };
}

/**
 * Claims the pupil for this submission, or finds the case that holds them. A claim this submission made on an
 * earlier attempt is its own. Another submission's pending claim: if that submission is stored, its case is the
 * pupil's (confirm it and link); if its claim is older than any invocation lives, take it over; else wait briefly
 * for it, and answer "busy" so the flow retries (its retry policy does).
 */
async function holderOf<Form>(
  ports: IntakePorts<Form>,
  upn: string,
  responseId: string,
  at: Date,
): Promise<{ caseRef: string; claimed: boolean } | "busy"> {
  const sleep = ports.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const pending = `${PENDING}${responseId}`;
  const by = { owner: responseId, at };
  for (let look = 0; look < 10; look++) {
    const holder = await ports.openCases.claim(upn, pending, by);
    if (holder.claimed) return { caseRef: holder.caseRef, claimed: true };
    if (!holder.caseRef.startsWith(PENDING)) {
      // The holder's case has ended and its effects have not yet freed the pupil: free them now (as that effect
      // would, remembering the case as the pupil's last) and claim again, so the new referral is a new case naming it.
      if (ports.caseHasEnded && (await ports.caseHasEnded(holder.caseRef))) {
        await ports.openCases.release(upn, holder.caseRef);
        continue;
      }
      return { caseRef: holder.caseRef, claimed: false };
    }
    const owner = holder.owner ?? holder.caseRef.slice(PENDING.length);
    const theirs = await ports.submissions.get(owner);
    if (theirs && !theirs.linkedTo) {
      // Stored but its claim not yet confirmed (it is being accepted, or crashed just before confirming): its case it is.
      await ports.openCases.confirm(upn, holder.caseRef, theirs.caseRef);
      return { caseRef: theirs.caseRef, claimed: false };
    }
    const age = holder.since ? at.getTime() - holder.since.getTime() : 0;
    if (!theirs && age > STALE_PENDING_CLAIM_MS && holder.version && (await ports.openCases.takeOver(upn, holder.version, pending, by))) {
      return { caseRef: pending, claimed: true };
    }
    await sleep(200);
  }
  return "busy";
}
