import type { LocalSystem } from "../sandbox/localSystem";
import type { SitesArea } from "../sandbox/graph/areas/sites";
import { demoSite } from "../sandbox/demo/demoTenant";
import { defaultKeys } from "../sandbox/host/host";
import { upnCheckLetter } from "../src/domain/referral/upn";
import demoReferral from "../sandbox/demo/referral.json";

type ListItem = ReturnType<SitesArea["items"]>[number];

/**
 * What the bench's measures do to cases as people do: a school refers a pupil (the Forms flow's POST), a
 * coordinator edits the item in SharePoint (the sandbox's person edits, not the app's Graph requests), and the
 * measure waits for the app to have done its part.
 */
export interface BenchCases {
  sites: SitesArea;
  siteId: string;
  /** The item of case `ref` in `list` (matched on Title, or CaseRef for Decisions and Reviews). */
  item(list: string, ref: string): ListItem | undefined;
  /** A new Partnership referral through the intake endpoint (a fresh UPN each time); resolves with its reference once its item exists. */
  refer(tag: string): Promise<string>;
  /** The same referral's POST only: resolves with its reference once the intake has answered (its item may not exist yet). */
  submit(tag: string): Promise<string>;
  /** A coordinator's edit of case `ref` (or, with `list`, of that case's row there), then waits for `done`. */
  edit(ref: string, fields: Record<string, unknown>, done: () => unknown, list?: string): Promise<void>;
  until(what: () => unknown, label: string, timeoutMs?: number): Promise<void>;
  /** Waits until Graph has been quiet for 1.2 s: the app's own writes come back as notifications. */
  settle(): Promise<void>;
}

let upnSerial = 0;

export function benchCases(system: LocalSystem): BenchCases {
  const sites = system.graph.area<SitesArea>("sites");
  const siteId = sites.siteIdByPath(demoSite.hostname, demoSite.path);
  const item = (list: string, ref: string) => sites.items(siteId, list).find((i) => (i.fields.Title ?? i.fields.CaseRef) === ref || i.fields.CaseRef === ref);
  const until = async (what: () => unknown, label: string, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!what()) {
      if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${label}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const submit = async (tag: string): Promise<string> => {
    const digits = `8013${String(process.pid % 1000).padStart(3, "0")}${String(++upnSerial).padStart(5, "0")}`;
    const envelope = { ...demoReferral, responseId: `bench-${tag}-${Date.now()}-${upnSerial}`, answers: { ...demoReferral.answers, "pupil.upn": upnCheckLetter(digits) + digits } };
    const res = await fetch(`${system.appUrl}/api/forms/referral`, { method: "POST", headers: { "content-type": "application/json", "x-functions-key": defaultKeys.functionKey }, body: JSON.stringify(envelope) });
    if (!res.ok) throw new Error(`bench: the referral was answered ${res.status}: ${await res.text()}`);
    return ((await res.json()) as { caseRef: string }).caseRef;
  };
  return {
    sites,
    siteId,
    item,
    until,
    submit,
    async refer(tag) {
      const ref = await submit(tag);
      await until(() => item("Cases", ref), `${ref}'s case item`);
      return ref;
    },
    async edit(ref, fields, done, list = "Cases") {
      const target = list === "Cases" ? item("Cases", ref) : sites.items(siteId, list).find((i) => i.fields.Title === ref || i.fields.CaseRef === ref);
      if (!target) throw new Error(`bench: ${ref} has no item in ${list}`);
      sites.patchAsPerson(siteId, list, target.id, fields);
      await until(done, `${ref} after ${JSON.stringify(fields)}`);
    },
    async settle() {
      let seen = -1;
      while (seen !== system.graph.requests.length) {
        seen = system.graph.requests.length;
        await new Promise((r) => setTimeout(r, 1_200));
      }
    },
  };
}
