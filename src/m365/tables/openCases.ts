import { createHmac } from "node:crypto";
import type { TableStore } from "./tableStore";
import { getEntityOrUndefined, isStatus } from "./tableStore";

/**
 * At most one open case per named pupil, enforced atomically: claiming a pupil for a case is a conditional
 * insert, so two submissions for the same pupil arriving together cannot both open a case. The pupil is keyed
 * by a keyed hash (HMAC) of the UPN, so this table holds no UPN in clear.
 *
 * Each claim remembers which submission made it (`owner`, its response id) and when: a retry of that submission
 * finds its own claim (even once confirmed), and a claim left pending by a flow that gave up can be told by its age.
 *
 * @example
 * await openCases.claim(upn, "pending:r1", { owner: "r1", at }) // { caseRef: "pending:r1", claimed: true, owner: "r1", … }
 * await openCases.confirm(upn, "pending:r1", "LNCIP-2026-0042")
 * await openCases.claim(upn, "pending:r2", { owner: "r2", at }) // { caseRef: "LNCIP-2026-0042", claimed: false, owner: "r1", … }: link to it
 * await openCases.claim(upn, "pending:r1", { owner: "r1", at }) // { caseRef: "LNCIP-2026-0042", claimed: true, … }: r1's own
 * await openCases.release(upn, "LNCIP-2026-0042") // when that case closes
 * await openCases.lastEnded(upn) // "LNCIP-2026-0042": a new referral for the pupil names it
 */
export interface OpenCaseIndex {
  /**
   * Claims the pupil for `holder` (a case reference, or a pending marker), or returns who holds them. `claimed` is
   * true when the holder is this claim's own (the same holder, or the same owner).
   */
  claim(upn: string, holder: string, by?: ClaimOwner): Promise<PupilClaim>;
  /** Replaces a pending holder by the case reference it became (only if `from` still holds the pupil). */
  confirm(upn: string, from: string, caseRef: string): Promise<void>;
  /** Takes over a claim another submission left (only if it is still the version read); false when it changed. */
  takeOver(upn: string, version: string, holder: string, by: ClaimOwner): Promise<boolean>;
  /**
   * The case has ended (closed, withdrawn, its placement ended): the pupil is free to be referred again, and the
   * case is remembered as their last ended one (a new case names it). Frees the pupil only if `caseRef` holds them.
   */
  release(upn: string, caseRef: string): Promise<void>;
  find(upn: string): Promise<string | undefined>;
  /** The pupil's latest case that ended (see `release`), if any. */
  lastEnded(upn: string): Promise<string | undefined>;
}

/** Who makes a claim: the submission's response id, and when. */
export interface ClaimOwner {
  owner: string;
  at: Date;
}

/** The pupil's claim as it stands. */
export interface PupilClaim {
  caseRef: string;
  claimed: boolean;
  /** The response id of the submission that made the claim (undefined for claims made before owners were kept). */
  owner?: string | undefined;
  /** When the claim was made (for claims made before times were kept, when the row was last written). */
  since?: Date | undefined;
  /** The claim row's version (ETag), for `takeOver`. */
  version?: string | undefined;
}

interface ClaimRow {
  caseRef: string;
  owner?: string;
  claimedAt?: string;
}

const PARTITION = "pupil";
/** Each pupil's last ended case, in its own partition (same keyed hash): never confused with the holder. */
const ENDED = "ended";

export function openCaseIndex(store: TableStore, hashKey: string): OpenCaseIndex {
  const keyOf = (upn: string) => createHmac("sha256", hashKey).update(upn.trim().toUpperCase()).digest("hex");
  const rowOf = (caseRef: string, by?: ClaimOwner) => ({ caseRef, ...(by ? { owner: by.owner, claimedAt: by.at.toISOString() } : {}) });
  return {
    async claim(upn, caseRef, by) {
      await store.ready();
      const rowKey = keyOf(upn);
      for (let attempt = 0; attempt < 5; attempt++) {
        try {
          const created = await store.client.createEntity({ partitionKey: PARTITION, rowKey, ...rowOf(caseRef, by) });
          return { caseRef, claimed: true, owner: by?.owner, since: by?.at, version: created.etag };
        } catch (e) {
          if (!isStatus(e, 409)) throw e;
          const existing = await getEntityOrUndefined<ClaimRow>(store.client, PARTITION, rowKey);
          if (existing) {
            const owner = existing.owner || ownerOfPending(existing.caseRef);
            const mine = existing.caseRef === caseRef || (by !== undefined && owner === by.owner);
            // Claims made before times were kept: the row's own timestamp (its last write) stands in.
            const since = existing.claimedAt ?? existing.timestamp;
            return { caseRef: existing.caseRef, claimed: mine, owner, since: since ? new Date(since) : undefined, version: existing.etag };
          }
          // Released between our insert and read: try again.
        }
      }
      throw new Error(`Could not record the open case ${caseRef}; it will be retried.`);
    },
    async confirm(upn, from, caseRef) {
      await store.ready();
      const rowKey = keyOf(upn);
      const existing = await getEntityOrUndefined<ClaimRow>(store.client, PARTITION, rowKey);
      if (!existing || existing.caseRef !== from) return;
      // Merge: the claim keeps its owner and time.
      await store.client.updateEntity({ partitionKey: PARTITION, rowKey, caseRef }, "Merge", { etag: existing.etag });
    },
    async takeOver(upn, version, caseRef, by) {
      await store.ready();
      try {
        await store.client.updateEntity({ partitionKey: PARTITION, rowKey: keyOf(upn), ...rowOf(caseRef, by) }, "Replace", { etag: version });
        return true;
      } catch (e) {
        if (isStatus(e, 404, 412)) return false;
        throw e;
      }
    },
    async release(upn, caseRef) {
      await store.ready();
      const rowKey = keyOf(upn);
      const existing = await getEntityOrUndefined<ClaimRow>(store.client, PARTITION, rowKey);
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
      return (await getEntityOrUndefined<ClaimRow>(store.client, PARTITION, keyOf(upn)))?.caseRef;
    },
    async lastEnded(upn) {
      await store.ready();
      return (await getEntityOrUndefined<{ caseRef: string }>(store.client, ENDED, keyOf(upn)))?.caseRef;
    },
  };
}

/** A pending marker names its submission ("pending:<responseId>"). */
function ownerOfPending(holder: string): string | undefined {
  return holder.startsWith("pending:") ? holder.slice("pending:".length) : undefined;
}
