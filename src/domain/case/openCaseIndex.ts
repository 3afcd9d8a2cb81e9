import type { CaseEffect } from "./effects";
import type { SubmissionRoute } from "./intakeRoute";

/**
 * The open-case index as a value: each named pupil (by a key standing for their UPN) and the case that holds them.
 * The app keeps it in Table storage (src/m365/tables/openCases.ts); this is the same bookkeeping as pure functions,
 * so the rules "one pupil, one open case" and "an ended case frees its pupil" can be checked over whole histories.
 */
export type PupilIndex = ReadonlyMap<string, string>;

/**
 * The index after a submission for a pupil was routed: a new case claims the pupil; a submission continued or
 * linked into their open case changes nothing.
 *
 * @example
 * // (illustrative)
 * indexAfterRoute(new Map(), "pupil-1", { kind: "newCase", status: "received" }, "LNCIP-2026-0042") // Map { "pupil-1" => "LNCIP-2026-0042" }
 */
export function indexAfterRoute(index: PupilIndex, pupil: string | undefined, route: SubmissionRoute, newCaseRef: string): PupilIndex {
  if (!pupil || route.kind !== "newCase") return index;
  if (index.has(pupil)) throw new Error(`The pupil already has an open case (${index.get(pupil)}): a new case for them is a bug in the routing`);
  return new Map(index).set(pupil, newCaseRef);
}

/**
 * The index after a case's transition: `releasePupil` frees its pupil (only if the index still names this case);
 * `claimPupil` (reopened) holds them again (only if no other case does — the rules refuse such a reopen).
 *
 * @example
 * // (illustrative)
 * indexAfterEffects(new Map([["pupil-1", "LNCIP-2026-0042"]]), "pupil-1", "LNCIP-2026-0042", [{ kind: "releasePupil", key }]) // Map {}
 */
export function indexAfterEffects(index: PupilIndex, pupil: string | undefined, caseRef: string, effects: readonly CaseEffect[]): PupilIndex {
  if (!pupil) return index;
  let next = index;
  for (const effect of effects) {
    if (effect.kind === "releasePupil" && next.get(pupil) === caseRef) {
      const copy = new Map(next);
      copy.delete(pupil);
      next = copy;
    }
    if (effect.kind === "claimPupil" && !next.has(pupil)) next = new Map(next).set(pupil, caseRef);
  }
  return next;
}
