import { readFileSync } from "node:fs";
import { londonDay } from "../domain/calendar/londonTime";
import { formatCaseReference } from "../domain/case/caseReference";
import { formDefinitionProblems, formDefinitionSchema, parseReferralAnswers, type FormDefinition } from "../domain/referral/formDefinition";
import { isNamed, type ReferralForm } from "../domain/referral/referralForm";
import type { ReferralRules } from "../workflows/intake/receiveReferral";
import shippedDefinition from "../../forms/referral-form.json";

/**
 * The form definition the app maps answers with: the tenant's own file (REFERRAL_FORM_DEFINITION, each question
 * id as its Forms gave it) or the shipped demo definition. Checked at start-up: a question pointing nowhere
 * stops the app with a message, rather than losing answers quietly.
 */
export function loadFormDefinition(path: string | undefined): FormDefinition {
  const definition = formDefinitionSchema.parse(path ? JSON.parse(readFileSync(path, "utf8")) : shippedDefinition);
  const problems = formDefinitionProblems(definition);
  if (problems.length) throw new Error(`The Referral Form definition${path ? ` in ${path}` : ""} does not fit the app:\n  - ${problems.join("\n  - ")}`);
  return definition;
}

/** The Referral Form's rules as the intake uses them, with the partner schools and today's date in the UK. */
export function referralRules(definition: FormDefinition, partnerUrns: ReadonlySet<string>, now: Date): ReferralRules<ReferralForm> {
  return {
    parse: (answers) => parseReferralAnswers(definition, answers, { partnerSchoolUrns: partnerUrns, today: londonDay(now) }),
    pupilUpn: (form) => (isNamed(form) ? form.pupil?.upn : undefined),
    caseReference: formatCaseReference,
  };
}
