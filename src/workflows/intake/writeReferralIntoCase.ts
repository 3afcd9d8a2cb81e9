import { referralIntoCaseColumns } from "../../domain/case/caseRecord";
import type { CasesRow, RowChanges } from "../../domain/lists";
import { referralFormSchema } from "../../domain/referral/referralForm";
import { graphStatus, ItemChangedError } from "../../m365/sharepoint/graphErrors";
import { isReadable, type ListItem, type ListItems } from "../../m365/sharepoint/items";
import type { SubmissionStore } from "../../m365/tables/submissions";
import { findCaseItem } from "../cases/findCase";

/** What writing a referral into its case needs: the stored submissions and the Cases list. */
export interface ReferralIntoCasePorts {
  submissions: SubmissionStore;
  cases: ListItems<CasesRow>;
  /** Called with each item the app writes, so its own change notification is not taken for a person's edit. */
  rememberWrite?: (item: ListItem<CasesRow>) => Promise<void>;
}

/** The line a continued case's Later submissions keep for the referral that continued it (and how it is found again). */
export const continuedLine = (responseId: string, receivedAt: string) => `response ${responseId} received ${receivedAt}: the Partnership referral, written into this case`;

/**
 * Writes a named referral's answers from its stored submission into the Inclusion Forum case it continues (the
 * `writeReferralIntoCase` effect): the evidence, the exit strategy, the support asked for, the PO, the DSL — every
 * answer it gives — and a line in *Later submissions* saying so. Idempotent: the line says it is done, and writing
 * the same answers again changes nothing. A coordinator's edit meanwhile makes it read the item and write again.
 *
 * @example
 * await writeReferralIntoCase(ports, "LNCIP-2026-0007", "17") // "written"; again → "alreadyWritten"
 */
export async function writeReferralIntoCase(ports: ReferralIntoCasePorts, caseRef: string, responseId: string): Promise<"written" | "alreadyWritten"> {
  const submission = await ports.submissions.get(responseId);
  if (!submission) throw new Error(`The referral ${responseId} for ${caseRef} is not in the app's stored submissions; it will be retried.`);
  // Stored by the intake after it parsed the answers; parsed again here, as everything read back is.
  const form = referralFormSchema.parse(JSON.parse(submission.formJson));
  const line = continuedLine(responseId, submission.receivedAt);
  for (let attempt = 0; attempt < 5; attempt++) {
    const item = await findCaseItem(ports.cases, caseRef);
    if (!item) throw new Error(`Case ${caseRef} is not in the Cases list; the referral will be written into it when it is.`);
    const existing = (isReadable(item) ? item.row.LinkedSubmissions : item.readable.LinkedSubmissions) ?? "";
    if (existing.includes(`response ${responseId} `)) return "alreadyWritten";
    const changes: RowChanges<CasesRow> = { ...referralIntoCaseColumns(form), LinkedSubmissions: existing ? `${existing}\n${line}` : line };
    try {
      const written = await ports.cases.update(item, changes, { ifUnchanged: true });
      if (isReadable(written)) await ports.rememberWrite?.(written);
      return "written";
    } catch (e) {
      if (!(e instanceof ItemChangedError) && graphStatus(e) !== 412) throw e;
    }
  }
  throw new Error(`Case ${caseRef} kept changing while its referral was being written into it; it will be retried.`);
}
