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
  result?: string;
}

export interface EffectLedgerOptions {
  now?: () => Date;
  /** How long a claim protects an effect in progress before another attempt may take it over. */
  claimTtlMs?: number;
}

export function effectLedger(store: TableStore, options: EffectLedgerOptions = {}): EffectLedger {
  const now = options.now ?? (() => new Date());
  const claimTtlMs = options.claimTtlMs ?? 120_000;
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
      const started: LedgerRow = { state: "started", startedAt: now().toISOString() };
      let recovering = false;

      const existing = await getEntityOrUndefined<LedgerRow>(client, partitionKey, rowKey);
      if (existing?.state === "done") return { result: parseResult<T>(existing.result), firstTime: false };
      if (!existing) {
        try {
          await client.createEntity({ partitionKey, rowKey, ...started });
        } catch (e) {
          if (isStatus(e, 409)) throw new EffectInProgressError(key);
          throw e;
        }
      } else {
        const age = now().getTime() - Date.parse(existing.startedAt);
        if (age < claimTtlMs) throw new EffectInProgressError(key);
        try {
          // Take over the stale claim; the ETag makes sure only one attempt does.
          await client.updateEntity({ partitionKey, rowKey, ...started }, "Replace", { etag: existing.etag });
        } catch (e) {
          if (isStatus(e, 412)) throw new EffectInProgressError(key);
          throw e;
        }
        recovering = true;
      }

      let result: T | undefined = recovering && opts.alreadyDone ? await opts.alreadyDone(new Date(existing!.startedAt)) : undefined;
      const firstTime = result === undefined;
      if (result === undefined) {
        try {
          result = await work();
        } catch (e) {
          // Release the claim so a retry can start straight away rather than wait out the claim's lifetime.
          await client.deleteEntity(partitionKey, rowKey).catch(() => undefined);
          throw e;
        }
      }
      const done: LedgerRow = { state: "done", startedAt: started.startedAt, result: JSON.stringify(result ?? null) };
      await client.upsertEntity({ partitionKey, rowKey, ...done }, "Replace");
      return { result, firstTime };
    },
  };
}

function parseResult<T>(raw: string | undefined): T {
  return (raw === undefined ? null : JSON.parse(raw)) as T;
}

/** Spread keys over partitions by their prefix (e.g. "ack", "card"), keeping one kind of effect together. */
function partitionOf(key: string): string {
  const kind = key.split(":", 1)[0] ?? "effect";
  return tableKey(kind || "effect");
}
