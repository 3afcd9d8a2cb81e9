import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandboxPorts, type SandboxPorts } from "../placements/sandboxPorts";
import { demoSchools, demoSite } from "../../../sandbox/demo/demoTenant";
import type { SitesArea, SandboxPerson } from "../../../sandbox/graph/areas/sites";
import { DELTA_SCOPE, seenScope } from "../../../src/workflows/listChanges/processListChanges";
import { SCHOOL_ADDRESSES_SCOPE, type ConfirmedSchoolAddresses } from "../../../src/workflows/schools/schoolAddressChanges";

/**
 * A school's change of address is confirmed to the old and the new address (issue 14, point 6), through the composed
 * app against Azurite and the Graph sandbox: a person edits Oakfield Academy's row in the Schools list, and the
 * Schools list's round (as a change notification runs it) emails the old address, the new one and the Coordinator
 * once each. The old address comes from the app's own record, never from the item.
 */
let s: SandboxPorts;
let sites: SitesArea;
let siteId: string;
const oakfield = demoSchools[0]!;
const coordinator = "coordinator@lncip.example";
// A member of staff with a name: the name must not reach any subject.
const editor: SandboxPerson = { id: "entra-staff-7", email: "j.bloggs@lncip.example", displayName: "Joe Bloggs" };
const oldDsl = oakfield.DslEmail;
// The new DSL's own mailbox: its local part is a person's name.
const newDsl = `a.khan@${oakfield.EmailDomain}`;

const round = async () => {
  const schools = s.app.watched.find((l) => l.name === "Schools")!;
  return schools.round(s.app.ports.listWatch.changes);
};
const oakfieldItem = () => s.items("Schools").find((i) => i.fields.Urn === oakfield.Urn)!;
const addressMail = (who: string) => s.inbox(who).filter((m) => /address/.test(m.subject));
const everyAddressMail = () => [oldDsl, newDsl, coordinator, oakfield.SencoEmail, "someone@gmail.com", `new.senco@${oakfield.EmailDomain}`].flatMap(addressMail);
const confirmed = async () => (await s.app.tables.state.get<ConfirmedSchoolAddresses>(SCHOOL_ADDRESSES_SCOPE, oakfield.Urn))?.value;

/** What a repeated notification after a lost cursor does: the round reads every item again as if it had never seen it. */
async function forgetWhatTheRoundSaw() {
  const state = s.app.tables.state;
  await state.remove(DELTA_SCOPE, "Schools");
  for (const seen of await state.list(seenScope("Schools"))) await state.remove(seenScope("Schools"), seen.name);
}

beforeAll(async () => {
  s = await startSandboxPorts();
  sites = s.graph.area<SitesArea>("sites");
  siteId = sites.siteIdByPath(demoSite.hostname, demoSite.path);
  s.setClock("2026-12-02T09:00:00Z");
}, 90_000);
afterAll(async () => s?.stop());

describe("a school's change of address", () => {
  it("the first sight of the schools records their addresses and emails nobody", async () => {
    const first = await round();
    expect(first.handled).toBe(demoSchools.length);
    expect(everyAddressMail()).toEqual([]);
    expect(await confirmed()).toEqual({
      addresses: { AttendanceLeadEmail: oakfield.AttendanceLeadEmail, SencoEmail: oakfield.SencoEmail, DslEmail: oakfield.DslEmail, FinanceEmail: oakfield.FinanceEmail },
      refused: {},
    });
  });

  it("a changed DSL address is confirmed once each to the old address, the new one and the Coordinator", async () => {
    sites.patchAsPerson(siteId, "Schools", oakfieldItem().id, { DslEmail: newDsl }, editor);
    const report = await round();
    expect(report.handled).toBe(1);
    expect(report.parked).toBe(0);
    for (const who of [oldDsl, newDsl, coordinator]) expect(addressMail(who), who).toHaveLength(1);
    const mail = addressMail(newDsl)[0]!;
    expect(mail.subject).toBe("Oakfield Academy: the DSL (designated safeguarding lead) address has changed");
    // One email: both addresses in To, the Coordinator copied.
    expect(mail.toRecipients.map((r) => r.emailAddress.address).sort()).toEqual([newDsl, oldDsl].sort());
    expect(mail.ccRecipients.map((r) => r.emailAddress.address)).toEqual([coordinator]);
    // No person in the subject: not the editor, nor either address (whose local part may be a person's name).
    for (const person of [editor.displayName!, "Bloggs", editor.email!, oldDsl, newDsl, "a.khan", "Khan", "dsl@"]) expect(mail.subject).not.toContain(person);
    const body = mail.body.content;
    expect(body).toContain(newDsl);
    expect(body).toContain(oldDsl);
    expect(body).toContain("safeguarding concerns from daily attendance");
    expect(body).toContain(`mailto:${coordinator}`);
    // No pupil data: no case reference, UPN or pupil in it.
    expect(body).not.toMatch(/LNCIP-\d{4}-\d{4}|[A-Z]\d{12}|pupil's name/);
    // The record moves on: the new address is the one the next change is confirmed to.
    expect((await confirmed())?.addresses.DslEmail).toBe(newDsl);
  });

  it("a repeated notification sends nothing more, even when the app crashed before recording the new address", async () => {
    expect((await round()).handled).toBe(0);
    await forgetWhatTheRoundSaw();
    const again = await round();
    expect(again.handled).toBe(demoSchools.length);
    // A crash between the email and the record: the record still holds the old address; the email's key is done.
    const record = (await s.app.tables.state.get<ConfirmedSchoolAddresses>(SCHOOL_ADDRESSES_SCOPE, oakfield.Urn))!;
    await s.app.tables.state.put(SCHOOL_ADDRESSES_SCOPE, oakfield.Urn, { ...record.value, addresses: { ...record.value.addresses, DslEmail: oldDsl } }, record.version);
    await forgetWhatTheRoundSaw();
    await round();
    for (const who of [oldDsl, newDsl, coordinator]) expect(addressMail(who), who).toHaveLength(1);
    expect((await confirmed())?.addresses.DslEmail).toBe(newDsl);
  });

  it("an address outside the school's domain gets nothing; the Coordinator is told once, and the old address stays the confirmed one", async () => {
    sites.patchAsPerson(siteId, "Schools", oakfieldItem().id, { SencoEmail: "someone@gmail.com" }, editor);
    await round();
    expect(addressMail("someone@gmail.com")).toEqual([]);
    expect(addressMail(oakfield.SencoEmail)).toEqual([]);
    const told = addressMail(coordinator).filter((m) => /not a school address/.test(m.subject));
    expect(told.map((m) => m.subject)).toEqual(["Inclusion Flow: Oakfield Academy's SENCO address is not a school address"]);
    expect(told[0]!.body.content).toContain("someone@gmail.com");
    await forgetWhatTheRoundSaw();
    await round();
    expect(addressMail(coordinator).filter((m) => /not a school address/.test(m.subject))).toHaveLength(1);
    expect((await confirmed())?.addresses.SencoEmail).toBe(oakfield.SencoEmail);

    // Put right to a new school address: confirmed to the last confirmed address (not the refused one) and the new.
    const fixed = `new.senco@${oakfield.EmailDomain}`;
    sites.patchAsPerson(siteId, "Schools", oakfieldItem().id, { SencoEmail: fixed }, editor);
    await round();
    expect(addressMail("someone@gmail.com")).toEqual([]);
    const confirmation = addressMail(fixed);
    expect(confirmation.map((m) => m.subject)).toEqual(["Oakfield Academy: the SENCO address has changed"]);
    expect(addressMail(oakfield.SencoEmail)).toHaveLength(1);
    expect(confirmation[0]!.toRecipients.map((r) => r.emailAddress.address).sort()).toEqual([fixed, oakfield.SencoEmail].sort());
    expect(await confirmed()).toMatchObject({ addresses: { SencoEmail: fixed }, refused: {} });
  });
});
