/** A later submission for a pupil whose case was open: which response, and when it came. */
export interface LinkedSubmission {
  responseId: string;
  receivedAt: string;
}

/** How many of the latest later submissions the case's column lists (the rest are counted). */
export const LINKED_SHOWN = 5;

/**
 * What a case's "Later submissions" column shows: how many there are and the latest few, newest first — always well
 * inside the column's 4,000 characters however many there are (the full list is kept in the app's own storage).
 *
 * @example
 * linkedSubmissionsSummary([{ responseId: "17", receivedAt: "2026-11-23T09:12:00Z" }])
 * // "1 later submission: response 17 received 2026-11-23T09:12:00Z"
 * linkedSubmissionsSummary([]) // ""
 */
export function linkedSubmissionsSummary(entries: readonly LinkedSubmission[]): string {
  if (entries.length === 0) return "";
  const latest = [...entries].sort((a, b) => b.receivedAt.localeCompare(a.receivedAt) || b.responseId.localeCompare(a.responseId)).slice(0, LINKED_SHOWN);
  const lines = latest.map((e) => `response ${e.responseId.slice(0, 200)} received ${e.receivedAt}`);
  const head = entries.length === 1 ? "1 later submission" : `${entries.length} later submissions${entries.length > LINKED_SHOWN ? ` (the latest ${LINKED_SHOWN})` : ""}`;
  return `${head}: ${lines.join("\n")}`;
}
