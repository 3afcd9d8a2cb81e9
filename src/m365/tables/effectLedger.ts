import type { TableStore } from "./tableStore";
import { getEntityOrUndefined, isStatus, tableKey } from "./tableStore";

/**
 * Carries out a side effect (an email, a card, a calendar event, a list item) at most once per idempotency key,
 * however often the queue message, notification, button press or timer that asks for it is repeated.
 *
 * A key is first claimed ("started"), then the work runs, then the key is marked "done" with its result. If
 * the process dies between the work and "done", the next attempt finds a stale claim: it asks `alreadyDone`
 * (for example "is a message with this key in Sent Items?") before doing the work again, so a crash causes
 * neither a lost nor a doubled effect where the far side can be asked.
 *
 * A live worker renews its claim while the work runs (every third of the claim's lifetime), so only a dead worker's
 * claim goes stale, however long Graph keeps the work waiting. "Done" and the release of a failed attempt's claim
 * are conditional on the claim's ETag: a worker that stalled past its claim's lifetime (and was taken over) never
 * overwrites or removes the record of the attempt that took over.
 *
 * @example
 * const { result, firstTime } = await ledger.once("ack:LNCIP-2026-0042", () => mailer.send(ack), {
 *   alreadyDone: () => mailer.findSent("ack:LNCIP-2026-0042"),
 * });
 */
export interface EffectLedger {
  once<T>(key: string, work: () => Promise<T>, options?: OnceOptions<T>): Promise<{ result: T; firstTime: boolean }>;
  /** The recorded result of a done effect, if any. */
  get<T>(key: string): Promise<T | undefined>;
}

export interface OnceOptions<T> {
  /**
   * Asked after a crash left the key claimed but not done: the result if the effect did happen, else undefined.
   * `claimedAt` is when the dead attempt claimed it: the effect, if it happened, happened after that.
   */
  alreadyDone?: (claimedAt: Date) => Promise<T | undefined>;
}

/** Another attempt is doing this effect right now; retry later (the queue's visibility timeout does that). */
export class EffectInProgressError extends Error {
  constructor(readonly key: string) {
    super(`Effect ${key} is being carried out by another attempt; it will be retried.`);
    this.name = "EffectInProgressError";
  }
}

interface LedgerRow {
  state: "started" | "done";
  startedAt: string;
  /** When the working attempt last said it is alive (its claim renewed); a claim is stale this long after. */
  renewedAt?: string;
  result?: string;
}

export interface EffectLedgerOptions {
  now?: () => Date;
  /**
   * How long a claim protects an effect in progress before another attempt may take it over. A live worker renews
   * its claim every third of this, so a slow effect (Graph's Retry-After can hold one for minutes) is never
   * overtaken; only a dead worker's claim goes stale.
   */
  claimTtlMs?: number;
  /**
   * Runs `renew` every `everyMs` until the returned stop is called (a timer; tests pass their own to renew by hand).
   * The default never keeps the process alive on its own.
   */
  heartbeat?: (renew: () => Promise<void>, everyMs: number) => () => void;
  /** Where a lost claim is reported (another attempt took the effect over while this one worked); the app's log. */
  report?: (message: string) => void;
}

/** A claim lasts a minute without renewal: live workers renew every 20 seconds. */
export const CLAIM_TTL_MS = 60_000;

export function effectLedger(store: TableStore, options: EffectLedgerOptions = {}): EffectLedger {
  const now = options.now ?? (() => new Date());
  const claimTtlMs = options.claimTtlMs ?? CLAIM_TTL_MS;
  const heartbeat = options.heartbeat ?? timerHeartbeat;
  const report = options.report ?? (() => undefined);
  const locate = (key: string) => ({ partitionKey: partitionOf(key), rowKey: tableKey(key) });

  return {
    async get<T>(key: string) {
      await store.ready();
      const { partitionKey, rowKey } = locate(key);
      const row = await getEntityOrUndefined<LedgerRow>(store.client, partitionKey, rowKey);
      return row?.state === "done" && row.result !== undefined ? (JSON.parse(row.result) as T) : undefined;
    },

    async once<T>(key: string, work: () => Promise<T>, opts: OnceOptions<T> = {}) {
      await store.ready();
      const client = store.client;
      const { partitionKey, rowKey } = locate(key);
      const startedAt = now().toISOString();
      const started: LedgerRow = { state: "started", startedAt, renewedAt: startedAt };
      let recovering = false;
      let etag: string | undefined;

      const existing = await getEntityOrUndefined<LedgerRow>(client, partitionKey, rowKey);
      if (existing?.state === "done") return { result: parseResult<T>(existing.result), firstTime: false };
      if (!existing) {
        try {
          etag = (await client.createEntity({ partitionKey, rowKey, ...started })).etag;
        } catch (e) {
          if (isStatus(e, 409)) throw new EffectInProgressError(key);
          throw e;
        }
      } else {
        const age = now().getTime() - Date.parse(existing.renewedAt ?? existing.startedAt);
        if (age < claimTtlMs) throw new EffectInProgressError(key);
        try {
          // Take over the stale claim; the ETag makes sure only one attempt does.
          etag = (await client.updateEntity({ partitionKey, rowKey, ...started }, "Replace", { etag: existing.etag })).etag;
        } catch (e) {
          if (isStatus(e, 412, 404)) throw new EffectInProgressError(key);
          throw e;
        }
        recovering = true;
      }

      // Keep the claim alive while the work runs: each renewal is conditional on the claim's ETag, so a renewal
      // never revives a claim another attempt has taken over.
      let lost = false;
      let renewing: Promise<void> = Promise.resolve();
      const stop = heartbeat(() => {
        renewing = (async () => {
          if (lost) return;
          try {
            etag = (await client.updateEntity({ partitionKey, rowKey, state: "started", renewedAt: now().toISOString() }, "Merge", { etag })).etag;
          } catch (e) {
            if (isStatus(e, 412, 404)) lost = true;
            // Anything else (a storage blip): the next beat tries again, well within the claim's lifetime.
          }
        })();
        return renewing;
      }, Math.max(1, Math.floor(claimTtlMs / 3)));

      let result: T | undefined;
      let firstTime: boolean;
      try {
        result = recovering && opts.alreadyDone ? await opts.alreadyDone(new Date(existing!.startedAt)) : undefined;
        firstTime = result === undefined;
        if (result === undefined) result = await work();
      } catch (e) {
        stop();
        await renewing;
        // Release the claim so a retry can start straight away rather than wait out the claim's lifetime — only if it
        // is still ours: a claim another attempt took over is theirs to finish.
        if (!lost) await client.deleteEntity(partitionKey, rowKey, { etag }).catch(() => undefined);
        throw e;
      }
      stop();
      await renewing;
      const done: LedgerRow = { state: "done", startedAt, result: JSON.stringify(result ?? null) };
      try {
        if (lost) throw new ClaimLostError();
        await client.updateEntity({ partitionKey, rowKey, ...done }, "Replace", { etag });
      } catch (e) {
        if (!(e instanceof ClaimLostError) && !isStatus(e, 412, 404)) throw e;
        // Another attempt took the effect over while this one worked (this one stalled past the claim's lifetime):
        // its record stands; it asked the far side (alreadyDone) before doing the effect again.
        report(`Effect ${key}: another attempt took it over while this one was working; its record was left as it is.`);
      }
      return { result, firstTime };
    },
  };
}

class ClaimLostError extends Error {}

/** Renews on a timer that never keeps the process alive on its own. */
function timerHeartbeat(renew: () => Promise<void>, everyMs: number): () => void {
  const timer = setInterval(() => void renew(), everyMs);
  timer.unref?.();
  return () => clearInterval(timer);
}

function parseResult<T>(raw: string | undefined): T {
  return (raw === undefined ? null : JSON.parse(raw)) as T;
}

/** Spread keys over partitions by their prefix (e.g. "ack", "card"), keeping one kind of effect together. */
function partitionOf(key: string): string {
  const kind = key.split(":", 1)[0] ?? "effect";
  return tableKey(kind || "effect");
}
