import { primaryNeedLabels, sendStatusLabels } from "../../src/domain/referral/referralForm";
import { upnCheckLetter } from "../../src/domain/referral/upn";

/** A Cases row's identity and free text, as a real-looking demo case holds them. */
export const demoPupil = {
  PupilFirstName: "Zoë",
  PupilLastName: "D'Arcy-Ångström",
  PupilDateOfBirth: "2012-03-14",
  Upn: `${upnCheckLetter("801200100001")}801200100001`,
  Concerns: "Refuses lessons daily; told Mr Ng she hates school",
  ActionsTaken: "Assess: Boxall profile. Plan: mentor twice weekly",
  ExitStrategy: "Phased return to full timetable over two half terms",
  IfOverrideReason: "Urgent: at risk of permanent exclusion after the knife incident",
  ReopenReason: "Placement broke down after family bereavement",
  ReferrerName: "Siân O'Connor-Brady",
  DslName: "Priya Patel-Lowe",
  DslPhone: "+44 116 496 0123",
  DslEmail: "dsl@oakfield.example",
  ReferrerEmail: "s.oconnor@oakfield.example",
  SendStatus: "senSupport",
  PrimaryNeed: "semh",
  PurchaseOrderNumber: "PO-88812",
} as const;

/**
 * Every string in `produced` that would carry a pupil's identity, free text from the form, or special-category
 * detail beyond "SEND: yes/no". Returns what was found (empty when the output is clean).
 *
 * @example
 * expect(privacyLeaks(JSON.stringify(card))).toEqual([])
 */
export function privacyLeaks(produced: string): string[] {
  const p = demoPupil;
  const needles = [
    p.PupilFirstName, p.PupilLastName, "D'Arcy", "Arcy", "Ångström", p.PupilDateOfBirth, "14/03/2012", "14 March 2012", "2012-03", p.Upn, "801200100001",
    p.Concerns, "Refuses lessons", "Boxall", "Phased return", "knife", "bereavement", p.ReferrerName, "Siân", p.DslName, "Patel", "496 0123", p.DslEmail, p.ReferrerEmail,
    sendStatusLabels.senSupport, primaryNeedLabels.semh, "PO-88812",
  ];
  const text = produced.normalize("NFC");
  return needles.filter((n) => text.includes(n.normalize("NFC")) || text.includes(JSON.stringify(n).slice(1, -1)));
}
