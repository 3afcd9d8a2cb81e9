import type { ReplayQueue } from "../../m365/queues/replayQueue";

export type { ReplayQueue };

export interface ReplayReport {
  moved: number;
}

/**
 * Moves every message from a poison queue back to its work queue, text unchanged (host.json says
 * `messageEncoding: "none"`, so nothing is decoded or re-encoded). Each message is sent to the work queue first
 * and deleted from the poison queue after: a crash in between leaves it in both, and the workflows' idempotent
 * processing (the effect ledger, writes found again by key, delta rounds that find nothing left to do) makes the
 * second delivery a no-op. Run again when the poison queue is empty, it moves nothing.
 *
 * @example
 * await replayPoison(poison, work, { max: 1000 }) // { moved: 3 }
 */
export async function replayPoison(poison: ReplayQueue, work: ReplayQueue, options: { max?: number; batch?: number; onMoved?: (n: number) => void } = {}): Promise<ReplayReport> {
  const max = options.max ?? Number.POSITIVE_INFINITY;
  const batch = Math.min(options.batch ?? 32, 32);
  let moved = 0;
  while (moved < max) {
    // Hidden for 5 minutes while being moved: long enough for one batch, short enough to retry after a crash.
    const messages = await poison.receive(Math.min(batch, max - moved), 300);
    if (messages.length === 0) break;
    for (const m of messages) {
      await work.send(m.text);
      await poison.delete(m.id, m.popReceipt);
      moved++;
    }
    options.onMoved?.(moved);
  }
  return { moved };
}
