import type { SchoolsRow } from "../../domain/lists";
import { inEmailDomain, schoolRoleAddressColumns, type SchoolRoleAddressColumn } from "../../domain/schools";
import type { Mailer } from "../../m365/outlook/mail";
import { sendMailOnce } from "../../m365/outlook/mailOnce";
import type { ListItem } from "../../m365/sharepoint/items";
import type { AppState } from "../../m365/tables/appState";
import type { EffectLedger } from "../../m365/tables/effectLedger";
import { schoolAddressNotInDomain } from "../messages/coordinatorMessages";
import { schoolAddressChanged } from "../messages/schoolMessages";

/**
 * Each school's last confirmed role addresses, where only the app writes (Table storage, AppState scope
 * `schoolAddresses`, one entry per URN): the "old" address of a change comes from here, never from the item, whose
 * every column the editor controls.
 */
export const SCHOOL_ADDRESSES_SCOPE = "schoolAddresses";

/** One school's record: its confirmed addresses, and any refused address the Coordinator has already been told of. */
export interface ConfirmedSchoolAddresses {
  addresses: Partial<Record<SchoolRoleAddressColumn, string>>;
  refused?: Partial<Record<SchoolRoleAddressColumn, string>>;
}

/** What confirming a school's address changes needs: the app's state, the ledger and mailer (each email once), the Coordinator. */
export interface SchoolAddressPorts {
  state: AppState;
  ledger: EffectLedger;
  mailer: Mailer;
  coordinatorEmail: string;
  partnershipName: string;
  log(message: string): void;
}

/** What one look at a school's item did: first sight (recorded, nobody emailed), or the role columns confirmed or refused. */
export interface SchoolAddressOutcome {
  seeded: boolean;
  confirmed: SchoolRoleAddressColumn[];
  refused: SchoolRoleAddressColumn[];
}

const same = (a: string | undefined, b: string | undefined) => (a ?? "").trim().toLowerCase() === (b ?? "").trim().toLowerCase();

/**
 * Confirms each changed role address of a school to the old address and the new one, the Coordinator copied, once
 * per change (the effect key is the item's version and the column): whoever holds the old address hears that the
 * school's emails for that role now go elsewhere, so a redirect nobody expected is noticed at once. A new address
 * outside the school's email domain gets nothing (the school directory refuses it too): the Coordinator is told
 * instead, once, and the confirmed address stays as it was. The first sight of a school records its addresses and
 * emails nobody (so start-up sends nothing).
 *
 * @example
 * await confirmSchoolAddressChanges(ports, item) // Oakfield's DSL changed from dsl@ to safeguarding@
 * // { seeded: false, confirmed: ["DslEmail"], refused: [] }
 */
export async function confirmSchoolAddressChanges(ports: SchoolAddressPorts, item: ListItem<SchoolsRow>): Promise<SchoolAddressOutcome> {
  const school = item.row;
  const stored = await ports.state.get<ConfirmedSchoolAddresses>(SCHOOL_ADDRESSES_SCOPE, school.Urn);
  if (!stored) {
    const first = { addresses: {} as Partial<Record<SchoolRoleAddressColumn, string>>, refused: {} as Partial<Record<SchoolRoleAddressColumn, string>> };
    for (const c of schoolRoleAddressColumns) {
      if (inEmailDomain(school[c], school.EmailDomain)) first.addresses[c] = school[c];
      else first.refused[c] = school[c];
    }
    // Another worker seeding the same school meanwhile fails this one (StaleStateError): the round tries it again.
    await ports.state.create(SCHOOL_ADDRESSES_SCOPE, school.Urn, first);
    return { seeded: true, confirmed: [], refused: [] };
  }

  const addresses = { ...stored.value.addresses };
  const refused = { ...stored.value.refused };
  const outcome: SchoolAddressOutcome = { seeded: false, confirmed: [], refused: [] };
  const version = item.lastModified ?? item.etag;
  let dirty = false;
  for (const c of schoolRoleAddressColumns) {
    const now = school[c];
    const old = stored.value.addresses[c];
    if (same(now, old)) {
      // Back to the confirmed address: a refused one put right.
      if (refused[c] !== undefined) {
        delete refused[c];
        dirty = true;
      }
      continue;
    }
    if (same(now, stored.value.refused?.[c])) continue; // the Coordinator has been told of this one
    const key = `school-address:${school.Urn}:${c}:${version}`;
    if (inEmailDomain(now, school.EmailDomain)) {
      // The old address was checked when it was confirmed, so it is written to whatever the domain says now.
      const message = schoolAddressChanged(school.SchoolName, c, now, old, ports.coordinatorEmail, ports.partnershipName);
      await sendMailOnce(ports.ledger, ports.mailer, `mail:${key}`, [now, old], message.subject, message.html, [ports.coordinatorEmail]);
      addresses[c] = now;
      delete refused[c];
      outcome.confirmed.push(c);
      dirty = true;
    } else {
      const message = schoolAddressNotInDomain(school.SchoolName, c, now, school.EmailDomain);
      await sendMailOnce(ports.ledger, ports.mailer, `mail:${key}:refused`, [ports.coordinatorEmail], message.subject, message.html);
      refused[c] = now;
      outcome.refused.push(c);
      dirty = true;
    }
  }
  if (dirty) {
    // Conditional on what was read: a second worker's change in between fails this one, and the round tries again
    // (the emails already sent are not sent twice: the ledger).
    await ports.state.put<ConfirmedSchoolAddresses>(SCHOOL_ADDRESSES_SCOPE, school.Urn, { addresses, refused }, stored.version);
  }
  if (outcome.confirmed.length || outcome.refused.length) {
    ports.log(`School ${school.Urn}: ${outcome.confirmed.length} role address change(s) confirmed to the old and new address, ${outcome.refused.length} refused (outside the school's email domain)`);
  }
  return outcome;
}
