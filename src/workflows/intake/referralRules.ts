import { londonDay } from "../../domain/calendar/londonTime";
import { formatCaseReference } from "../../domain/case/caseReference";
import { parseReferralAnswers, type FormDefinition } from "../../domain/referral/formDefinition";
import { isNamed, type ReferralForm } from "../../domain/referral/referralForm";
import type { FormsSubmission } from "./formsSubmission";
import { receiveReferral, type IntakeAnswer, type IntakePorts, type ReferralRules } from "./receiveReferral";

/**
 * The Referral Form's rules as the intake uses them, with the partner schools and today's date in the UK.
 *
 * @example
 * referralRules(definition, new Set(["120345"]), now).parse(answers) // { ok: true, form } or { ok: false, problems }
 */
export function referralRules(definition: FormDefinition, partnerUrns: ReadonlySet<string>, now: Date): ReferralRules<ReferralForm> {
  return {
    parse: (answers) => parseReferralAnswers(definition, answers, { partnerSchoolUrns: partnerUrns, today: londonDay(now) }),
    pupilUpn: (form) => (isNamed(form) ? form.pupil?.upn : undefined),
    schoolUrn: (form) => form.schoolUrn,
    caseReference: formatCaseReference,
  };
}

/** What accepting a Referral Form response needs: the intake's ports, the form definition and the partner schools. */
export type ReferralIntakePorts = Omit<IntakePorts<ReferralForm>, "rules"> & {
  definition: FormDefinition;
  partnerUrns(): Promise<ReadonlySet<string>>;
};

/**
 * Accepts one Referral Form response with the rules as they stand now (the partner schools, today in the UK): see
 * `receiveReferral`.
 *
 * @example
 * await acceptReferral(ports, submission) // { status: 202, caseRef: "LNCIP-2026-0042" }
 */
export async function acceptReferral(ports: ReferralIntakePorts, submission: FormsSubmission): Promise<IntakeAnswer> {
  const { definition, partnerUrns, ...intake } = ports;
  return receiveReferral({ ...intake, rules: referralRules(definition, await partnerUrns(), ports.now()) }, submission);
}
