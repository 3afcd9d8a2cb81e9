import { readFileSync } from "node:fs";
import { formDefinitionProblems, formDefinitionSchema, type FormDefinition } from "../domain/referral/formDefinition";
import shippedDefinition from "../../forms/referral-form.json";

/**
 * The form definition the app maps answers with: the tenant's own file (REFERRAL_FORM_DEFINITION, each question
 * id as its Forms gave it) or the shipped demo definition. Checked at start-up: a question pointing nowhere
 * stops the app with a message, rather than losing answers quietly.
 *
 * @example
 * loadFormDefinition(undefined).questions.length // the shipped Referral Form's questions
 */
export function loadFormDefinition(path: string | undefined): FormDefinition {
  const definition = formDefinitionSchema.parse(path ? JSON.parse(readFileSync(path, "utf8")) : shippedDefinition);
  const problems = formDefinitionProblems(definition);
  if (problems.length) throw new Error(`The Referral Form definition${path ? ` in ${path}` : ""} does not fit the app:\n  - ${problems.join("\n  - ")}`);
  return definition;
}
