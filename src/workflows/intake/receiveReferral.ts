import type { CaseNumberAllocator } from "../../m365/tables/caseNumbers";
import type { OpenCaseIndex } from "../../m365/tables/openCases";
import type { SubmissionStore } from "../../m365/tables/submissions";
import type { FormsSubmission } from "./formsSubmission";

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
}

export type IntakeAnswer =
  | { status: 202 | 200; caseRef: string; linkedTo?: string | undefined }
  | { status: 422; problems: AnswerProblem[] }
  | { status: 503; retryAfterSeconds: number };

const PENDING = "pending:";

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
 *
 * @example
 * await receiveReferral(ports, submission) // { status: 202, caseRef: "LNCIP-2026-0042" }
 * await receiveReferral(ports, submission) // { status: 200, caseRef: "LNCIP-2026-0042" }
 */
export async function receiveReferral<Form>(ports: IntakePorts<Form>, submission: FormsSubmission): Promise<IntakeAnswer> {
  const parsed = ports.rules.parse(submission.answers);
  if (!parsed.ok) return { status: 422, problems: parsed.problems };

  const seen = await ports.submissions.get(submission.responseId);
  if (seen) {
    if (seen.state === "accepted") await ports.enqueue({ responseId: seen.responseId });
    return { status: 200, caseRef: seen.caseRef, linkedTo: seen.linkedTo };
  }

  const receivedAt = ports.now();
  const upn = ports.rules.pupilUpn(parsed.form);
  let linkedTo: string | undefined;
  if (upn) {
    const holder = await holderOf(ports, upn, `${PENDING}${submission.responseId}`);
    if (holder === "busy") return { status: 503, retryAfterSeconds: 5 };
    if (!holder.claimed) linkedTo = holder.caseRef;
  }

  let caseRef: string;
  if (linkedTo) {
    caseRef = linkedTo;
  } else {
    const year = Number(receivedAt.toISOString().slice(0, 4));
    const number = await ports.caseNumbers.allocate(ports.partnership, year, submission.responseId);
    caseRef = ports.rules.caseReference(ports.partnership, year, number);
    if (upn) await ports.openCases.confirm(upn, `${PENDING}${submission.responseId}`, caseRef);
  }

  const { submission: stored, firstTime } = await ports.submissions.accept({
    responseId: submission.responseId,
    caseRef,
    receivedAt: receivedAt.toISOString(),
    formJson: JSON.stringify(parsed.form),
    linkedTo,
  });
  await ports.enqueue({ responseId: stored.responseId });
  return { status: firstTime ? 202 : 200, caseRef: stored.caseRef, linkedTo: stored.linkedTo };
}

/**
 * Claims the pupil for this submission, or finds the case that holds them. If another submission for the same
 * pupil is being accepted right now (its claim is still pending), wait briefly for its case reference; if it
 * does not appear, answer "busy" so the flow retries (its retry policy does).
 */
async function holderOf<Form>(
  ports: IntakePorts<Form>,
  upn: string,
  pending: string,
): Promise<{ caseRef: string; claimed: boolean } | "busy"> {
  const sleep = ports.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let look = 0; look < 10; look++) {
    const holder = await ports.openCases.claim(upn, pending);
    if (holder.claimed) return holder;
    if (holder.caseRef.startsWith(PENDING)) {
      // Our own earlier attempt (a retry after a crash) is ours to continue.
      if (holder.caseRef === pending) return { caseRef: pending, claimed: true };
      await sleep(200);
      continue;
    }
    return holder;
  }
  return "busy";
}
