import type { CasesRow } from "../../domain/lists";
import { isReadable, type ListItems } from "../../m365/sharepoint/items";
import type { OpenCaseIndex } from "../../m365/tables/openCases";
import { findCaseItem } from "./findCase";

/*
 * One pupil, one open case — and again later. The open-case index (Table storage, keyed by a keyed hash of the UPN)
 * says which case holds each named pupil; these keep it in step with the cases' transitions. The UPN is read from
 * the case item when needed and never leaves this module (not in effects, queues or logs).
 */

/** What keeping the index needs: the Cases list (for a case's UPN) and the index. */
export interface PupilIndexPorts {
  cases: ListItems<CasesRow>;
  openCases: OpenCaseIndex;
  log(message: string): void;
}

/** The UPN of a named case (undefined for an anonymous case, or none in the Cases list). */
async function upnOf(ports: Pick<PupilIndexPorts, "cases">, caseRef: string): Promise<string | undefined> {
  const item = await findCaseItem(ports.cases, caseRef);
  if (!item) return undefined;
  // A case a person made unreadable elsewhere still frees (or holds) its pupil when its UPN reads on its own.
  const row = isReadable(item) ? item.row : item.readable;
  return row.Named === false ? undefined : row.Upn;
}

/**
 * The case has ended (closed, withdrawn, its placement ended): its pupil is free to be referred again, and the case is
 * remembered as their last ended one, which a new referral names. Idempotent; nothing for an anonymous case.
 *
 * @example
 * await releasePupil(ports, "LNCIP-2026-0042") // true: a new referral for the pupil becomes a new case naming it
 */
export async function releasePupil(ports: PupilIndexPorts, caseRef: string): Promise<boolean> {
  const upn = await upnOf(ports, caseRef);
  if (!upn) return false;
  await ports.openCases.release(upn, caseRef);
  return true;
}

/**
 * The case holds its pupil again (reopened): it claims the pupil in the index. The rules refuse a reopen while another
 * case holds the pupil (`pupilOpenCase`), so a claim that finds one only happens in a race, and is logged.
 *
 * @example
 * await claimPupil(ports, "LNCIP-2026-0042") // true; false when another case holds the pupil
 */
export async function claimPupil(ports: PupilIndexPorts, caseRef: string): Promise<boolean> {
  const upn = await upnOf(ports, caseRef);
  if (!upn) return false;
  const holder = await ports.openCases.claim(upn, caseRef);
  if (!holder.claimed) ports.log(`${caseRef} was reopened while ${holder.caseRef} holds its pupil; ${holder.caseRef} stays the pupil's open case`);
  return holder.claimed;
}

/**
 * The case that holds this case's pupil now, if it is another case (what `reopen` is decided against): undefined for
 * an anonymous case, a pupil held by no case, or by this one.
 *
 * @example
 * await pupilOpenCase(ports, "LNCIP-2026-0042") // "LNCIP-2026-0101": the pupil was referred again since
 */
export async function pupilOpenCase(ports: Pick<PupilIndexPorts, "cases" | "openCases">, caseRef: string): Promise<string | undefined> {
  const upn = await upnOf(ports, caseRef);
  if (!upn) return undefined;
  const holder = await ports.openCases.find(upn);
  return holder && holder !== caseRef ? holder : undefined;
}
