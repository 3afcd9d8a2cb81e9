/**
 * Whether an email address belongs to a school's email domain (the domain itself or one of its subdomains), so an
 * address typed into a record can never send a school's pupil data elsewhere.
 *
 * @example
 * inEmailDomain("senco@oakfield.sch.uk", "oakfield.sch.uk")        // true
 * inEmailDomain("dsl@mail.oakfield.sch.uk", "oakfield.sch.uk")     // true
 * inEmailDomain("senco@oakfield.sch.uk.evil.example", "oakfield.sch.uk") // false
 * inEmailDomain("someone@gmail.com", "oakfield.sch.uk")            // false
 */
export function inEmailDomain(address: string | undefined, domain: string | undefined): boolean {
  if (!address || !domain) return false;
  const at = address.lastIndexOf("@");
  if (at < 1) return false;
  const host = address.slice(at + 1).trim().toLowerCase();
  const d = domain.trim().toLowerCase().replace(/^@/, "");
  return d.length > 0 && (host === d || host.endsWith(`.${d}`));
}

/** The role addresses a school's record holds, by column. */
export const schoolRoleAddressColumns = ["AttendanceLeadEmail", "SencoEmail", "DslEmail", "FinanceEmail"] as const;
/** One of a school's role address columns. */
export type SchoolRoleAddressColumn = (typeof schoolRoleAddressColumns)[number];

/**
 * Each role address's role, as the partnership names it.
 *
 * @example
 * schoolRoleLabels.DslEmail // "DSL (designated safeguarding lead)"
 */
export const schoolRoleLabels: Record<SchoolRoleAddressColumn, string> = {
  AttendanceLeadEmail: "attendance lead",
  SencoEmail: "SENCO",
  DslEmail: "DSL (designated safeguarding lead)",
  FinanceEmail: "finance contact",
};

/**
 * What is wrong with a school's role addresses: each one outside the school's email domain, or no domain to check
 * them against. A school with a problem gets no email until a member of staff corrects its record.
 *
 * @example
 * schoolAddressProblems({ EmailDomain: "oakfield.sch.uk", AttendanceLeadEmail: "att@oakfield.sch.uk", SencoEmail: "senco@oakfield.sch.uk",
 *   DslEmail: "dsl@gmail.com", FinanceEmail: "finance@oakfield.sch.uk" })
 * // ["DslEmail is not an oakfield.sch.uk address"]
 * schoolAddressProblems({ AttendanceLeadEmail: "a@x.example", SencoEmail: "s@x.example", DslEmail: "d@x.example", FinanceEmail: "f@x.example" })
 * // ["no email domain is recorded (EmailDomain), so its addresses cannot be checked"]
 */
export function schoolAddressProblems(school: { EmailDomain?: string | undefined } & Record<(typeof schoolRoleAddressColumns)[number], string>): string[] {
  if (!school.EmailDomain?.trim()) return ["no email domain is recorded (EmailDomain), so its addresses cannot be checked"];
  return schoolRoleAddressColumns.filter((c) => !inEmailDomain(school[c], school.EmailDomain)).map((c) => `${c} is not an ${school.EmailDomain} address`);
}
