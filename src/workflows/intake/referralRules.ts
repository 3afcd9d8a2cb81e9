import { londonDay } from "../../domain/calendar/londonTime";
import { formatCaseReference } from "../../domain/case/caseReference";
import { parseReferralAnswers, type FormDefinition } from "../../domain/referral/formDefinition";
import { isNamed, type ReferralForm } from "../../domain/referral/referralForm";
import type { KnownInclusionForumCase } from "../../domain/referral/inclusionForumCaseCheck";
import type { FormsSubmission } from "./formsSubmission";
import { receiveReferral, type IntakeAnswer, type IntakePorts, type ReferralRules } from "./receiveReferral";

/**
 * The Referral Form's rules as the intake uses them, with the partner schools and today's date in the UK.
 *
 * @example
 * referralRules(definition, new Set(["120345"]), now).parse(answers) // { ok: true, form } or { ok: false, problems }
 */
export function referralRules(
  definition: FormDefinition,
  partnerUrns: ReadonlySet<string>,
  now: Date,
  inclusionForumCase?: (caseRef: string) => KnownInclusionForumCase | undefined,
): ReferralRules<ReferralForm> {
  return {
    parse: (answers) => parseReferralAnswers(definition, answers, { partnerSchoolUrns: partnerUrns, today: londonDay(now), inclusionForumCase }),
    pupilUpn: (form) => (isNamed(form) ? form.pupil?.upn : undefined),
    schoolUrn: (form) => form.schoolUrn,
    caseReference: formatCaseReference,
  };
}

/** What accepting a Referral Form response needs: the intake's ports, the form definition and the partner schools. */
export type ReferralIntakePorts = Omit<IntakePorts<ReferralForm>, "rules"> & {
  definition: FormDefinition;
  partnerUrns(): Promise<ReadonlySet<string>>;
  /**
   * The case a referral gives as its Inclusion Forum case, as the partnership knows it (see `knownInclusionForumCase`);
   * `upn` is the referral's pupil (their own open case need not have been heard yet). Without it, the reference is
   * checked for its form only.
   */
  inclusionForumCase?: (caseRef: string, upn: string | undefined) => Promise<KnownInclusionForumCase | undefined>;
};

/**
 * Accepts one Referral Form response with the rules as they stand now (the partner schools, today in the UK, the
 * Inclusion Forum case a referral names — it must exist, be the same school's, and have been heard or be on a forum's
 * agenda, else 422 naming the question): see `receiveReferral`.
 *
 * @example
 * await acceptReferral(ports, submission) // { status: 202, caseRef: "LNCIP-2026-0042" }
 */
export async function acceptReferral(ports: ReferralIntakePorts, submission: FormsSubmission): Promise<IntakeAnswer> {
  const { definition, partnerUrns, inclusionForumCase, ...intake } = ports;
  const urns = await partnerUrns();
  let rules = referralRules(definition, urns, ports.now());
  // The Inclusion Forum case is looked up only for a referral that is otherwise valid and names one (one read of the
  // Cases list); the answers are then parsed again with what was found.
  const first = inclusionForumCase ? rules.parse(submission.answers) : undefined;
  const reference = first?.ok && first.form.requestType === "partnershipReferral" ? first.form.previousInclusionForumCase : undefined;
  if (first?.ok && inclusionForumCase && reference !== undefined) {
    const known = await inclusionForumCase(reference, rules.pupilUpn(first.form));
    rules = referralRules(definition, urns, ports.now(), (caseRef) => (caseRef === reference ? known : undefined));
  }
  return receiveReferral({ ...intake, rules }, submission);
}
