import type { Day } from "../calendar/schoolCalendar";
import type { TermName } from "../calendar/schoolDays";
import type { KeyStage } from "../referral/keyStage";
import { purchaseOrderUse, type ChargeLine, type PurchaseOrder, type PurchaseOrderUse } from "./chargeLines";
import type { ReportCase, ReportSchool } from "./reportInputs";

export interface StatementTerm {
  academicYear: string;
  term: TermName;
  first: Day;
  last: Day;
}

export interface TermlyStatementInput {
  school: ReportSchool;
  term: StatementTerm;
  /** This term's charge lines (any school's: only this school's are used). */
  lines: readonly ChargeLine[];
  /** Earlier terms' lines against the same purchase orders, so "used" is the whole PO's use. */
  earlierLines?: readonly ChargeLine[];
  purchaseOrders?: readonly PurchaseOrder[];
  /** For the pupils' names: the statement goes to the pupils' own school only. */
  cases: readonly ReportCase[];
}

export interface StatementLine {
  caseRef: string;
  name: string;
  keyStage: KeyStage;
  purchaseOrderNumber: string;
  daysCharged: number;
  rates: string;
  pence: number;
}

export interface TermlyStatement {
  school: { urn: string; name: string };
  term: StatementTerm;
  lines: StatementLine[];
  totalPence: number;
  /** Each PO's value, what it has been used for to the end of this term, and what is left. */
  purchaseOrders: PurchaseOrderUse[];
}

/**
 * A school's termly statement: per pupil, the days charged this term, at what rates, and the amount; the term's
 * total; and each of the school's purchase orders with its value, the amount used so far (earlier terms and this
 * one) and what is left. It takes the charge lines as given, so it follows whichever charging rules made them.
 *
 * @example
 * // (illustrative)
 * termlyStatement({ school, term: { academicYear: "2025/26", term: "spring", first: "2026-01-06", last: "2026-03-27" }, lines, cases })
 * // { school: { urn: "120001", name: "Oakfield Academy" }, lines: [{ caseRef: "LNCIP-2025-0011", daysCharged: 54, pence: 449_587, … }], totalPence: 449_587, … }
 */
export function termlyStatement(input: TermlyStatementInput): TermlyStatement {
  const urn = input.school.Urn;
  const own = input.lines.filter((l) => l.SchoolUrn === urn);
  const caseOf = new Map(input.cases.map((c) => [c.CaseRef, c]));
  const lines = own
    .map((l) => {
      const c = caseOf.get(l.CaseRef);
      return {
        caseRef: l.CaseRef,
        name: [c?.PupilFirstName, c?.PupilLastName].filter(Boolean).join(" "),
        keyStage: l.KeyStage,
        purchaseOrderNumber: l.PurchaseOrderNumber,
        daysCharged: l.daysCharged,
        rates: l.rates,
        pence: l.pence,
      };
    })
    .sort((a, b) => a.caseRef.localeCompare(b.caseRef) || a.purchaseOrderNumber.localeCompare(b.purchaseOrderNumber));
  return {
    school: { urn, name: input.school.SchoolName },
    term: input.term,
    lines,
    totalPence: lines.reduce((n, l) => n + l.pence, 0),
    purchaseOrders: purchaseOrderUse(urn, [...(input.earlierLines ?? []), ...own], input.purchaseOrders),
  };
}
