import type { Client } from "@microsoft/microsoft-graph-client";
import type { Mailer, OutgoingMail } from "./mail";

/**
 * Time as the sender sees it. Real time in the app; a test passes a scaled or fake clock (and gives the Graph
 * sandbox the same one) so that 300 messages at 30 a minute do not take ten real minutes.
 */
export interface PacingClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}
export const realClock: PacingClock = { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };

/**
 * A clock running `factor` times faster than real time from now on (for tests and benchmarks).
 *
 * @example
 * const clock = scaledClock(60); // a minute of sending limits passes in a second
 */
export function scaledClock(factor: number, start = Date.now()): PacingClock & { date(): Date } {
  const realStart = Date.now();
  const now = () => start + (Date.now() - realStart) * factor;
  return { now, date: () => new Date(now()), sleep: (ms) => new Promise((r) => setTimeout(r, Math.max(0, ms / factor))) };
}

export interface PacedMailSenderOptions {
  /** Exchange Online: 30 messages a minute per sending mailbox. */
  perMinute?: number;
  /** Graph `$batch` takes at most 20 requests. */
  batchSize?: number;
  /** How long to wait for more messages before sending a part-filled batch. */
  gatherMs?: number;
  /** Tries per message on throttling or a server error before it fails. */
  maxTries?: number;
  clock?: PacingClock;
}

export interface SenderStats {
  sent: number;
  batches: number;
  throttled: number;
  serverErrors: number;
  failed: number;
}

/** Graph refused a message for good (a bad address, a message too large): retrying will not help. */
export class MailRefusedError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(`Graph refused the message (${status} ${code}): ${message}`);
    this.name = "MailRefusedError";
  }
}

export interface PacedMailSender extends Mailer {
  stats(): SenderStats;
  /** Stops sending: messages still queued are rejected (not sent), as when the function's time is up. */
  close(): void;
}

interface Pending {
  mail: OutgoingMail;
  tries: number;
  notBefore: number;
  resolve: () => void;
  reject: (e: Error) => void;
}

interface BatchResponse {
  id: string;
  status: number;
  headers?: Record<string, string>;
  body?: { error?: { code?: string; message?: string } };
}

// Graph's $batch payload must stay well inside its 4 MB request limit: digests carry a CSV each.
const MAX_BATCH_CHARS = 3_000_000;
// Exchange counts a minute by when each message reaches it, a little after this process hands it over (and the two
// clocks differ): a margin of two seconds keeps 30 sends inside any minute as Exchange sees it, not only as we do.
const WINDOW_MS = 62_000;

/**
 * Sends many messages as one mailbox through Graph `$batch` (up to 20 a request), paced within the mailbox's
 * per-minute limit. `send` resolves when Graph accepted that message, so a caller can record it as sent (the
 * effect ledger does) message by message. A throttled item (a 429 inside the batch's 200: the JS client does
 * not retry inside a batch) goes back to the front of the queue and the whole sender waits out its
 * `Retry-After`; a 5xx item is retried with backoff; any other status rejects that message only.
 *
 * @example
 * const sender = pacedMailSender(graph, "partnership@lncip.example");
 * await Promise.all(digests.map((d) => ledger.once(d.key, () => sender.send(d.mail))));
 * sender.stats() // { sent: 300, batches: 15, throttled: 4, serverErrors: 0, failed: 0 }
 */
export function pacedMailSender(graph: Client, fromMailbox: string, options: PacedMailSenderOptions = {}): PacedMailSender {
  const perMinute = options.perMinute ?? 30;
  const batchSize = Math.min(options.batchSize ?? 20, 20);
  const gatherMs = options.gatherMs ?? 100;
  const maxTries = options.maxTries ?? 10;
  const clock = options.clock ?? realClock;
  const queue: Pending[] = [];
  let sentTimes: number[] = [];
  let pausedUntil = 0;
  let pumping = false;
  let closed = false;
  const stats: SenderStats = { sent: 0, batches: 0, throttled: 0, serverErrors: 0, failed: 0 };
  const sendPath = `/users/${encodeURIComponent(fromMailbox)}/sendMail`;

  const pump = async () => {
    if (pumping) return;
    pumping = true;
    try {
      while (queue.length && !closed) {
        if (queue.length < batchSize) await clock.sleep(gatherMs);
        if (!queue.length || closed) break;
        const now = clock.now();
        sentTimes = sentTimes.filter((t) => t > now - WINDOW_MS);
        const ready = queue.filter((p) => p.notBefore <= now);
        const capacity = perMinute > 0 ? perMinute - sentTimes.length : batchSize;
        const wait = Math.max(
          pausedUntil - now,
          capacity <= 0 ? (sentTimes[0] as number) + WINDOW_MS - now + 1 : 0,
          ready.length === 0 ? Math.min(...queue.map((p) => p.notBefore)) - now : 0,
        );
        if (wait > 0) {
          await clock.sleep(wait);
          continue;
        }
        const take: Pending[] = [];
        let chars = 0;
        for (const p of ready) {
          const size = JSON.stringify(graphMessage(p.mail)).length;
          if (take.length >= Math.min(batchSize, capacity) || (take.length > 0 && chars + size > MAX_BATCH_CHARS)) break;
          take.push(p);
          chars += size;
        }
        for (const p of take) queue.splice(queue.indexOf(p), 1);
        for (const _ of take) sentTimes.push(now);
        await sendBatch(take);
      }
    } finally {
      pumping = false;
    }
  };

  const sendBatch = async (take: Pending[]) => {
    stats.batches++;
    let responses: BatchResponse[];
    try {
      const answer = (await graph.api("/$batch").post({
        requests: take.map((p, i) => ({ id: String(i + 1), method: "POST", url: sendPath, headers: { "content-type": "application/json" }, body: { message: graphMessage(p.mail), saveToSentItems: true } })),
      })) as { responses?: BatchResponse[] };
      responses = answer.responses ?? [];
    } catch (e) {
      // The batch request itself failed after the client's own retries: every item goes round again.
      for (const p of take) retry(p, 503, undefined, e);
      return;
    }
    take.forEach((p, i) => {
      const r = responses.find((x) => x.id === String(i + 1));
      const status = r?.status ?? 503;
      if (status >= 200 && status < 300) {
        stats.sent++;
        p.resolve();
      } else retry(p, status, r);
    });
  };

  const retry = (p: Pending, status: number, r: BatchResponse | undefined, cause?: unknown) => {
    const now = clock.now();
    p.tries++;
    if (status === 429 || status >= 500) {
      if (status === 429) stats.throttled++;
      else stats.serverErrors++;
      if (p.tries >= maxTries) {
        stats.failed++;
        return p.reject(new Error(`Sending failed after ${p.tries} tries (last ${status}${cause ? `: ${String(cause)}` : ""}); it will be retried on the next run.`));
      }
      const retryAfter = Number(Object.entries(r?.headers ?? {}).find(([k]) => k.toLowerCase() === "retry-after")?.[1]);
      const delay = Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter * 1000 : Math.min(60_000, 1000 * 2 ** p.tries);
      p.notBefore = now + delay;
      // Throttling is per mailbox: nothing else is sent until it has passed.
      if (status === 429) pausedUntil = Math.max(pausedUntil, now + delay);
      queue.unshift(p);
      return;
    }
    stats.failed++;
    p.reject(new MailRefusedError(status, r?.body?.error?.code ?? "unknown", r?.body?.error?.message ?? "no message"));
  };

  return {
    send(mail) {
      return new Promise<void>((resolve, reject) => {
        if (closed) return reject(new Error("The sender was closed; the message was not sent."));
        queue.push({ mail, tries: 0, notBefore: 0, resolve, reject });
        void pump().catch((e: unknown) => {
          for (const p of queue.splice(0)) p.reject(e instanceof Error ? e : new Error(String(e)));
        });
      });
    },
    stats: () => ({ ...stats }),
    close() {
      closed = true;
      for (const p of queue.splice(0)) p.reject(new Error("The sender was closed; the message was not sent."));
    },
  };
}

/** A message as Graph's `sendMail` takes it (the same shape the single-message mailer sends). */
export function graphMessage(mail: OutgoingMail): Record<string, unknown> {
  const recipient = (address: string) => ({ emailAddress: { address } });
  return {
    subject: mail.subject,
    body: { contentType: "HTML", content: mail.html },
    toRecipients: mail.to.map(recipient),
    ...(mail.cc?.length ? { ccRecipients: mail.cc.map(recipient) } : {}),
    ...(mail.attachments?.length
      ? { attachments: mail.attachments.map((a) => ({ "@odata.type": "#microsoft.graph.fileAttachment", name: a.name, contentType: a.contentType, contentBytes: a.contentBytes.toString("base64") })) }
      : {}),
  };
}

// Where a digest whose sending was interrupted is looked for: kept importable from here, where it is used.
export { sentWithSubject } from "./mail";
