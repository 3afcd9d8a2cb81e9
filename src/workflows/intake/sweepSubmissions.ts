import type { SubmissionStore } from "../../m365/tables/submissions";
import type { IntakeMessage } from "./intakeMessage";

/**
 * The intake's backstop: every submission accepted but not yet written to SharePoint is queued again (writing it
 * is idempotent, so one queued twice costs a table read). Returns how many were queued.
 *
 * @example
 * await sweepSubmissions({ submissions, enqueue: (m) => intakeQueue.send(m) }) // 0 when all is well
 */
export async function sweepSubmissions(ports: { submissions: SubmissionStore; enqueue(message: IntakeMessage): Promise<void> }): Promise<number> {
  const pending = await ports.submissions.pending();
  for (const s of pending) await ports.enqueue({ responseId: s.responseId });
  return pending.length;
}
