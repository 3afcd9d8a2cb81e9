import { z } from "zod";

/** Largest body the intake accepts: a whole Referral Form is a few tens of kilobytes at most. */
export const MAX_SUBMISSION_BYTES = 256 * 1024;

/**
 * The envelope the Power Automate flow posts for each Forms response ("When a new response is submitted" →
 * "Get response details" → HTTP POST). Every answer is a string, as Forms gives it; the form definition maps
 * question ids to the Referral Form's fields.
 *
 * @example
 * formsSubmissionSchema.parse({ responseId: "17", submittedAt: "2026-11-23T09:12:00Z",
 *   responder: "senco@oakfield.example", answers: { requestType: "Partnership referral", ... } })
 */
export const formsSubmissionSchema = z.strictObject({
  responseId: z.string().trim().min(1, "responseId is required").max(200),
  submittedAt: z.iso.datetime({ offset: true, error: "submittedAt must be an ISO date-time" }),
  responder: z.string().trim().max(320).pipe(z.email("responder must be an email address")),
  answers: z.record(z.string().max(200), z.string().max(20_000), { error: "answers must map question ids to strings" }),
});
export type FormsSubmission = z.infer<typeof formsSubmissionSchema>;

export type EnvelopeProblem = { status: 400; message: string };

/**
 * Reads the raw body: refuses one that is too large, not JSON or not the envelope, with a message for the
 * administrator who set up the flow (the school never sees these: a school's mistakes get a 422 per question).
 *
 * @example
 * readFormsSubmission("{") // { ok: false, problem: { status: 400, message: "The body is not JSON." } }
 */
export function readFormsSubmission(
  body: string,
): { ok: true; submission: FormsSubmission } | { ok: false; problem: EnvelopeProblem } {
  if (Buffer.byteLength(body, "utf8") > MAX_SUBMISSION_BYTES) {
    return { ok: false, problem: { status: 400, message: `The body is larger than ${MAX_SUBMISSION_BYTES / 1024} KB.` } };
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, problem: { status: 400, message: "The body is not JSON." } };
  }
  const parsed = formsSubmissionSchema.safeParse(json);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ");
    return { ok: false, problem: { status: 400, message: `The body is not a Forms submission envelope (${detail}).` } };
  }
  return { ok: true, submission: parsed.data };
}
