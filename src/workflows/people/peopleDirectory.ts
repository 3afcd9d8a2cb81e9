import type { Actor, Role } from "../../domain/access";
import type { CoreGroupPanelRow, MeetingsRow, PeopleRow } from "../../domain/lists";
import { isReadable, titleIs, type Editor, type ListItems } from "../../m365/sharepoint/items";

/**
 * Someone the partnership's lists know (or do not): how they are named in records the app writes (`label`: their
 * name from the list and their Entra object id, never a name they typed), where they are told things, and their
 * roles. A person no list names has no roles: every command is refused to them.
 */
export type Person = Extract<Actor, { kind: "person" }> & {
  objectId?: string | undefined;
  teamsUserId?: string | undefined;
  email?: string | undefined;
  name: string;
  label: string;
};

/** Who made an edit or a press: a person (known or not), or an application (the app itself, or another). */
export type Identified = Person | { kind: "app"; label: string; name: string };

/** What the directory reads: the People list, the CoreGroupPanel list and the Meetings list (for a meeting's chair). */
export interface PeopleDirectoryPorts {
  people: ListItems<PeopleRow>;
  panel: ListItems<CoreGroupPanelRow>;
  meetings: ListItems<MeetingsRow>;
  /** Chairs a meeting whose Meetings row names no chair (setting CORE_GROUP_CHAIR). */
  defaultChairId?: string | undefined;
  log(message: string): void;
  /** The clock: the lists are read again after a short while (a role removed stops counting within a minute). */
  now?: () => Date;
}

/** How long the lists, once read, answer for (a Graph read per edit or press would throttle a busy site). */
export const PEOPLE_TTL_MS = 30_000;

/**
 * The partnership's roles in one place, read from the lists only partnership staff can edit: the People list (the
 * Director, the partnership SENCO, Coordinators, Inclusion Forum members, by Entra object id) and the CoreGroupPanel
 * list (each school's member, a meeting's deputies, the default chair). A SharePoint editor is found by their object
 * id, and by email only when the version carries no id; a Teams presser by their object id, else their Teams user id.
 */
export interface PeopleDirectory {
  /** The person who made an item's version, with their roles (the chair's role for `meetingKey`'s meeting). */
  editor(editor: Editor | undefined, meetingKey?: string): Promise<Identified>;
  /** The person who pressed or typed in Teams, with their roles. */
  presser(from: { id: string; aadObjectId?: string | undefined; name?: string | undefined }, meetingKey?: string): Promise<Person>;
  /** The chair of a Core Group meeting (the meeting's Chair, else the setting, else the panel's chair row). */
  chairOf(meetingKey: string | undefined): Promise<Person | undefined>;
}

const same = (a: string | undefined, b: string | undefined) => !!a && !!b && a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * @example
 * const directory = peopleDirectory({ people, panel, meetings, log });
 * await directory.editor({ kind: "person", id: "5b0c2a1e-…-0c01", email: "director@lncip.example" })
 * // { kind: "person", roles: ["director", "inclusionForumMember"], name: "Partnership Director", label: "Partnership Director (5b0c2a1e-…-0c01)", … }
 */
export function peopleDirectory(ports: PeopleDirectoryPorts): PeopleDirectory {
  const now = () => (ports.now ?? (() => new Date()))().getTime();
  const cached = <T>(read: () => Promise<T>): (() => Promise<T>) => {
    let kept: { at: number; value: Promise<T> } | undefined;
    return () => {
      if (!kept || now() - kept.at >= PEOPLE_TTL_MS) {
        const value = read();
        kept = { at: now(), value };
        value.catch(() => (kept = undefined)); // a failed read is not kept
      }
      return kept.value;
    };
  };
  const readPeople = cached(async (): Promise<PeopleRow[]> => {
    const rows: PeopleRow[] = [];
    for (const item of await ports.people.readAll()) {
      if (isReadable(item)) rows.push(item.row);
      else ports.log(`People item ${item.id} cannot be read (${item.problems.length} problem(s)); it gives nobody a role`);
    }
    return rows;
  });
  const readPanel = cached(async (): Promise<CoreGroupPanelRow[]> => {
    const rows: CoreGroupPanelRow[] = [];
    for (const item of await ports.panel.readAll()) if (isReadable(item)) rows.push(item.row);
    return rows;
  });
  const meetingChairs = new Map<string, () => Promise<string | undefined>>();
  async function chairId(meetingKey: string | undefined, panel: readonly CoreGroupPanelRow[]): Promise<string | undefined> {
    let chairOfMeeting = meetingKey ? meetingChairs.get(meetingKey) : undefined;
    if (meetingKey && !chairOfMeeting) {
      chairOfMeeting = cached(async () => (await ports.meetings.all({ filter: titleIs(meetingKey) })).find((m) => m.row.MeetingKey === meetingKey)?.row.Chair?.trim());
      meetingChairs.set(meetingKey, chairOfMeeting);
    }
    const meeting = { Chair: chairOfMeeting ? await chairOfMeeting() : undefined };
    return meeting?.Chair?.trim() || ports.defaultChairId || panel.find((r) => r.Role === "chair")?.MemberId || undefined;
  }

  /** Everything the lists say about the person with these ids. */
  async function resolve(ids: { objectId?: string | undefined; teamsUserId?: string | undefined; email?: string | undefined; name?: string | undefined }, meetingKey: string | undefined): Promise<Person> {
    const people = await readPeople();
    // Object id first; the email only when the record carries no object id (an email can be reassigned, an id cannot).
    const mine = people.filter((p) => (ids.objectId ? same(p.EntraObjectId, ids.objectId) : false) || (!ids.objectId && same(p.Email, ids.email)) || same(p.TeamsUserId, ids.teamsUserId));
    const objectId = ids.objectId ?? mine[0]?.EntraObjectId;
    const teamsUserId = ids.teamsUserId ?? mine.find((p) => p.TeamsUserId)?.TeamsUserId;
    const panel = await readPanel();
    const panelIds = [objectId, teamsUserId].filter((x): x is string => !!x);
    const seat = (id: string) => panelIds.some((mineId) => same(mineId, id));
    const roles = new Set<Role>(mine.map((p) => p.Role));
    const panelRows = panel.filter((r) => seat(r.MemberId));
    if (panelRows.some((r) => r.Role === "member" || (r.Role === "deputy" && r.MeetingKey === meetingKey))) roles.add("coreGroupMember");
    const chair = await chairId(meetingKey, panel);
    if (chair && seat(chair)) roles.add("coreGroupChair");
    const name = mine[0]?.Name ?? panelRows[0]?.MemberName ?? ids.name ?? ids.email ?? "someone the partnership's lists do not name";
    const id = objectId ?? teamsUserId ?? ids.email;
    return { kind: "person", roles: [...roles], objectId, teamsUserId, email: mine[0]?.Email ?? ids.email, name, label: id ? `${name} (${id})` : name };
  }

  return {
    async editor(editor, meetingKey) {
      if (!editor) return { kind: "person", roles: [], name: "an unknown editor", label: "an unknown editor" };
      if (editor.kind === "application") return { kind: "app", name: editor.name ?? "an application", label: `${editor.name ?? "an application"} (application ${editor.id ?? "unknown"})` };
      return resolve({ objectId: editor.id, email: editor.email, name: editor.name }, meetingKey);
    },
    presser(from, meetingKey) {
      return resolve({ objectId: from.aadObjectId?.toLowerCase(), teamsUserId: from.id, name: from.name }, meetingKey);
    },
    async chairOf(meetingKey) {
      const panel = await readPanel();
      const id = await chairId(meetingKey, panel);
      if (!id) return undefined;
      const isObjectId = /^[0-9a-f]{8}-/i.test(id);
      return resolve(isObjectId ? { objectId: id.toLowerCase() } : { teamsUserId: id }, meetingKey);
    },
  };
}
