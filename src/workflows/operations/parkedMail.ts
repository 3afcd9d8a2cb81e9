import type { UnconfirmedMail } from "../../m365/outlook/mail";
import { sendMailOnce } from "../../m365/outlook/mailOnce";
import { emailMayNotHaveGone } from "../messages/coordinatorMessages";
import { PARKED_MAIL_SCOPE, reportDegraded, type DegradedPorts } from "./degradedParts";

/** Emails parked because whether they went cannot be known: kept for a person, never sent again by the app. */
export { PARKED_MAIL_SCOPE };

/** A parked email as kept (identifiers, recipients and a subject of case references only). */
export interface ParkedMail {
  key: string;
  to: string[];
  subject: string;
  claimedAt: string;
  parkedAt: string;
}

const ALERT = "mail:parked:";

/**
 * Parks an interrupted email the app cannot confirm (it may not read Sent Items: 403): kept where the deep health
 * check counts it, and the Coordinator told once, naming it, so a person looks in Sent Items and sends it by hand if it
 * is not there. Its effect is then done: it is neither retried for ever nor sent a second time.
 *
 * @example
 * await parkUnconfirmedMail(ports, { key: "mail:decision:LNCIP-2026-0042:5", to: ["senco@oakfield.example"], subject: "LNCIP-2026-0042: the Core Group has decided", claimedAt })
 * // the Coordinator has "Inclusion Flow: an email may not have been sent"; /api/health/deep names "sentItems"
 */
export async function parkUnconfirmedMail(ports: DegradedPorts & { mailbox: string }, mail: UnconfirmedMail): Promise<void> {
  const parked: ParkedMail = { key: mail.key, to: [...mail.to], subject: mail.subject, claimedAt: mail.claimedAt.toISOString(), parkedAt: ports.now().toISOString() };
  await ports.state.put<ParkedMail>(PARKED_MAIL_SCOPE, mail.key, parked);
  const count = (await ports.state.list<ParkedMail>(PARKED_MAIL_SCOPE)).length;
  ports.log(`Parked email ${mail.key}: interrupted, and Sent Items may not be read to tell whether it went`);
  await reportDegraded(ports, "sentItems", `The app may not read ${ports.mailbox}'s Sent Items (403): ${count} interrupted email(s) parked for a person, not sent again`);
  // The alert itself, if interrupted in turn, is parked without another alert about it.
  if (mail.key.startsWith(ALERT)) return;
  const alert = emailMayNotHaveGone(mail.subject, mail.to, parked.claimedAt);
  await sendMailOnce(ports.ledger, ports.mailer, `${ALERT}${mail.key}`, [ports.coordinatorEmail], alert.subject, alert.html);
}
