import { createHmac } from "node:crypto";
import type { TableStore } from "./tableStore";
import { getEntityOrUndefined, isStatus } from "./tableStore";

/**
 * At most one open case per named pupil, enforced atomically: claiming a pupil for a case is a conditional
 * insert, so two submissions for the same pupil arriving together cannot both open a case. The pupil is keyed
 * by a keyed hash (HMAC) of the UPN, so this table holds no UPN in clear.
 *
 * @example
 * await openCases.claim(upn, "LNCIP-2026-0042") // { caseRef: "LNCIP-2026-0042", claimed: true }
 * await openCases.claim(upn, "LNCIP-2026-0050") // { caseRef: "LNCIP-2026-0042", claimed: false }: link to it
 * await openCases.release(upn, "LNCIP-2026-0042") // when that case closes
 * await openCases.lastEnded(upn) // "LNCIP-2026-0042": a new referral for the pupil names it
 */
export interface OpenCaseIndex {
  /** Claims the pupil for `holder` (a case reference, or a pending marker), or returns who holds them. */
  claim(upn: string, holder: string): Promise<{ caseRef: string; claimed: boolean }>;
  /** Replaces a pending holder by the case reference it became (only if `from` still holds the pupil). */
  confirm(upn: string, from: string, caseRef: string): Promise<void>;
  /**
   * The case has ended (closed, withdrawn, its placement ended): the pupil is free to be referred again, and the
   * case is remembered as their last ended one (a new case names it). Frees the pupil only if `caseRef` holds them.
   */
  release(upn: string, caseRef: string): Promise<void>;
  find(upn: string): Promise<string | undefined>;
  /** The pupil's latest case that ended (see `release`), if any. */
  lastEnded(upn: string): Promise<string | undefined>;
}

const PARTITION = "pupil";
/** Each pupil's last ended case, in its own partition (same keyed hash): never confused with the holder. */
const ENDED = "ended";

export function openCaseIndex(store: TableStore, hashKey: string): OpenCaseIndex {
  const keyOf = (upn: string) => createHmac("sha256", hashKey).update(upn.trim().toUpperCase()).digest("hex");
  return {
    async claim(upn, caseRef) {
      await store.ready();
      const rowKey = keyOf(upn);
      for (let attempt = 0; attempt < 5; attempt++) {
        try {
          await store.client.createEntity({ partitionKey: PARTITION, rowKey, caseRef });
          return { caseRef, claimed: true };
        } catch (e) {
          if (!isStatus(e, 409)) throw e;
          const existing = await getEntityOrUndefined<{ caseRef: string }>(store.client, PARTITION, rowKey);
          if (existing) return { caseRef: existing.caseRef, claimed: existing.caseRef === caseRef };
          // Released between our insert and read: try again.
        }
      }
      throw new Error(`Could not record the open case ${caseRef}; it will be retried.`);
    },
    async confirm(upn, from, caseRef) {
      await store.ready();
      const rowKey = keyOf(upn);
      const existing = await getEntityOrUndefined<{ caseRef: string }>(store.client, PARTITION, rowKey);
      if (!existing || existing.caseRef !== from) return;
      await store.client.updateEntity({ partitionKey: PARTITION, rowKey, caseRef }, "Replace", { etag: existing.etag });
    },
    async release(upn, caseRef) {
      await store.ready();
      const rowKey = keyOf(upn);
      const existing = await getEntityOrUndefined<{ caseRef: string }>(store.client, PARTITION, rowKey);
      if (existing && existing.caseRef !== caseRef) return; // another case holds the pupil now: this one ended before it
      // Remembered before the pupil is freed: a new referral may come at once, and it must find this case. A repeat
      // (the pupil already free, an ended case already remembered) changes nothing, so a late retry never makes an
      // older case the "last ended" again.
      if (existing || !(await getEntityOrUndefined<{ caseRef: string }>(store.client, ENDED, rowKey))) {
        await store.client.upsertEntity({ partitionKey: ENDED, rowKey, caseRef }, "Replace");
      }
      if (!existing) return;
      try {
        await store.client.deleteEntity(PARTITION, rowKey, { etag: existing.etag });
      } catch (e) {
        if (!isStatus(e, 404, 412)) throw e;
      }
    },
    async find(upn) {
      await store.ready();
      return (await getEntityOrUndefined<{ caseRef: string }>(store.client, PARTITION, keyOf(upn)))?.caseRef;
    },
    async lastEnded(upn) {
      await store.ready();
      return (await getEntityOrUndefined<{ caseRef: string }>(store.client, ENDED, keyOf(upn)))?.caseRef;
    },
  };
}
