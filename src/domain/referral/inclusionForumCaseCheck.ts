/**
 * What the partnership knows of the case a referral gives as its Inclusion Forum case: read by the workflow (from
 * the Cases list) and passed in, so the rule stays pure. No identity: only whose school it is and where it stands.
 */
export interface KnownInclusionForumCase {
  caseRef: string;
  schoolUrn: string | undefined;
  /** An Inclusion Forum has recorded its outcome for the case (it was heard). */
  heard: boolean;
  /** The case is on a forum's agenda now (awaiting the Inclusion Forum, with its meeting assigned). */
  onForumAgenda: boolean;
  /**
   * The case is this pupil's own open case (found by their UPN): the referral continues it, and it goes to the
   * forum first if it has not been yet, so it need not have been heard.
   */
  heldForThisPupil?: boolean | undefined;
}

/**
 * The problem with a referral's Inclusion Forum case reference, in words for the school, or undefined when it may
 * stand: the case must exist, be the same school's, and have been heard at a forum (or be on a forum's agenda).
 * A referral with no reference is not a problem here: it waits for the Director's exception instead.
 *
 * @example
 * // (illustrative)
 * inclusionForumCaseProblem("LNCIP-2026-0007", "120345", undefined)
 * // "We have no case LNCIP-2026-0007. Please check the reference on our emails, or leave it blank …"
 * inclusionForumCaseProblem("LNCIP-2026-0007", "120345", { caseRef: "LNCIP-2026-0007", schoolUrn: "120345", heard: true, onForumAgenda: false })
 * // undefined
 */
export function inclusionForumCaseProblem(reference: string | undefined, schoolUrn: string, known: KnownInclusionForumCase | undefined): string | undefined {
  if (reference === undefined) return undefined;
  const ifBlank = "or leave it blank and the partnership Director will be asked for an exception.";
  if (!known) return `We have no case ${reference}. Please check the reference on our emails, ${ifBlank}`;
  if (known.schoolUrn !== schoolUrn) return `Case ${reference} is not one of your school's cases. Please give the reference of your own school's Inclusion Forum case, ${ifBlank}`;
  if (known.heldForThisPupil || known.heard || known.onForumAgenda) return undefined;
  return `Case ${reference} has not been discussed at an Inclusion Forum yet, nor is it on a forum's agenda. A Partnership referral follows the forum: please send it after the discussion, ${ifBlank}`;
}
