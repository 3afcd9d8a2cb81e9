import type { AppState } from "../../m365/tables/appState";
import type { EffectLedger } from "../../m365/tables/effectLedger";
import type { Mailer } from "../../m365/outlook/mail";
import { sendMailOnce } from "../../m365/outlook/mailOnce";
import type { Message } from "../messages/message";

/**
 * The parts of the app working in a lesser way because the tenant refused something (never silently): each is
 * recorded where the deep health check reads it, and the Coordinator is told once, in their words.
 *
 * - `listSubscriptions`: Graph refused change notifications on a list; its changes are found by polling.
 * - `teamsMeetings`: Outlook makes the partnership mailbox's events without a Teams meeting; reviews and meetings wait.
 * - `sentItems`: the app may not read Sent Items; an interrupted email is parked for a person, not sent again.
 */
export type DegradedPartName = "listSubscriptions" | "teamsMeetings" | "sentItems";

/** One degraded part: since when, and what is refused (no personal data: lists, mailboxes, counts). */
export interface DegradedPart {
  part: DegradedPartName;
  since: string;
  detail: string;
}

export const DEGRADED_SCOPE = "degraded";
/** Emails parked because whether they went cannot be known (see parkedMail.ts): what keeps `sentItems` listed. */
export const PARKED_MAIL_SCOPE = "parkedMail";

export interface DegradedPorts {
  state: AppState;
  ledger: EffectLedger;
  mailer: Mailer;
  coordinatorEmail: string;
  now(): Date;
  log(message: string): void;
}

/**
 * Records that a part is degraded (keeping since when it first was) and, given `tell`, tells the Coordinator once for
 * that spell (the key carries the day it began, so two workers noticing at the same moment send one email). True the
 * first time this spell is recorded.
 *
 * @example
 * await reportDegraded(ports, "listSubscriptions", "Cases: Graph refused (403 ExtensionError)", changesFoundByPolling(1)) // true; again → false
 */
export async function reportDegraded(ports: DegradedPorts, part: DegradedPartName, detail: string, tell?: Message): Promise<boolean> {
  const known = (await ports.state.get<DegradedPart>(DEGRADED_SCOPE, part))?.value;
  const since = known?.since ?? ports.now().toISOString();
  if (!known || known.detail !== detail) await ports.state.put<DegradedPart>(DEGRADED_SCOPE, part, { part, since, detail });
  if (!known) ports.log(`Degraded: ${part} — ${detail}`);
  if (tell) await sendMailOnce(ports.ledger, ports.mailer, `mail:degraded:${part}:${since.slice(0, 10)}`, [ports.coordinatorEmail], tell.subject, tell.html);
  return !known;
}

/**
 * The part works again (the grant or licence was given): it leaves the health check. True when it had been degraded.
 *
 * @example
 * await clearDegraded(ports, "listSubscriptions") // true once after a grant; false when it was never degraded
 */
export async function clearDegraded(ports: Pick<DegradedPorts, "state" | "log">, part: DegradedPartName): Promise<boolean> {
  const known = await ports.state.get<DegradedPart>(DEGRADED_SCOPE, part);
  if (!known) return false;
  await ports.state.remove(DEGRADED_SCOPE, part);
  ports.log(`Restored: ${part}`);
  return true;
}

/**
 * Every part degraded now, for the deep health check (`sentItems` only while parked emails are kept).
 *
 * @example
 * await degradedParts(state) // [{ part: "listSubscriptions", since: "2026-11-23T09:00:00.000Z", detail: "…" }]
 */
export async function degradedParts(state: AppState): Promise<DegradedPart[]> {
  const parts = (await state.list<DegradedPart>(DEGRADED_SCOPE)).map((p) => p.value).sort((a, b) => a.part.localeCompare(b.part));
  // Parked emails are what a person must look at: once they have dealt with (removed) them, the part is gone.
  if (parts.some((p) => p.part === "sentItems") && !(await state.list(PARKED_MAIL_SCOPE)).length) {
    await state.remove(DEGRADED_SCOPE, "sentItems");
    return parts.filter((p) => p.part !== "sentItems");
  }
  return parts;
}
