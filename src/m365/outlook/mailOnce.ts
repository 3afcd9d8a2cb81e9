import type { EffectLedger } from "../tables/effectLedger";
import { SentItemsNotPermittedError, type Mailer, type OutgoingMail } from "./mail";

/**
 * Sends an email once under its key (the effect ledger), to the distinct addresses given (none: nothing is sent,
 * the key is still done). A worker that died after Graph accepted the email but before the ledger said so is
 * found out by Sent Items (the exact subject, sent since the dead attempt's claim), so recovery never sends it
 * twice; where Sent Items may not be read, it is parked with the mailer's `park` (a person checks). True the first time.
 * Those in `cc` (and not already in `to`) are copied.
 *
 * @example
 * await sendMailOnce(ledger, mailer, "mail:decision:LNCIP-2026-0042:5", ["senco@oakfield.example"], "LNCIP-2026-0042: the Core Group has decided", html) // true; again → false
 */
export async function sendMailOnce(ledger: EffectLedger, mailer: Mailer, key: string, to: readonly (string | undefined)[], subject: string, html: string, cc: readonly (string | undefined)[] = []): Promise<boolean> {
  const recipients = [...new Set(to.filter((x): x is string => !!x))];
  const copied = [...new Set(cc.filter((x): x is string => !!x && !recipients.includes(x)))];
  const { firstTime } = await ledger.once(
    key,
    async () => {
      if (recipients.length) await mailer.send({ to: recipients, ...(copied.length ? { cc: copied } : {}), subject, html });
      return true;
    },
    {
      alreadyDone: async (claimedAt) => {
        try {
          return (await mailer.sentSince?.(subject, claimedAt)) ? true : undefined;
        } catch (e) {
          // Sent Items may not be read (403): asking again will not tell whether it went. Parked for a person rather
          // than retried for ever, or sent a second time.
          if (!(e instanceof SentItemsNotPermittedError) || !mailer.park) throw e;
          await mailer.park({ key, to: recipients, subject, claimedAt });
          return true;
        }
      },
    },
  );
  return firstTime;
}

/**
 * Sends a whole email (attachments too: a report's charts or document) once under its key, as `sendMailOnce` does:
 * a recovery after a crash asks Sent Items for the exact subject before sending again. True the first time.
 *
 * @example
 * await sendOnce(ledger, mailer, "mail:directors-week:2026-11-30", { to: ["director@lncip.example"], subject, html, attachments }) // true; again → false
 */
export async function sendOnce(ledger: EffectLedger, mailer: Mailer, key: string, mail: OutgoingMail): Promise<boolean> {
  const to = [...new Set(mail.to.filter(Boolean))];
  const { firstTime } = await ledger.once(
    key,
    async () => {
      if (to.length) await mailer.send({ ...mail, to });
      return true;
    },
    { alreadyDone: async (claimedAt) => ((await mailer.sentSince?.(mail.subject, claimedAt)) ? true : undefined) },
  );
  return firstTime;
}
