import { listDefinitions, toColumnDefinitions, toListFields, schoolsList, meetingsList } from "../../src/domain/lists";
import { casesList, coreGroupPanelList, peopleList, providersList, type CasesRow, type CoreGroupPanelRow, type PeopleRow, type ProvidersRow } from "../../src/domain/lists";
import { addDays, isSchoolDay, isoWeekday, schoolCalendarFor, shippedCalendars } from "../../src/domain/calendar";
import { fieldLeaves } from "../../src/domain/fields/fieldLeaves";
import type { GraphArea, SandboxContext } from "../graph/routing";
import type { MailArea } from "../graph/areas/mail";
import type { SitesArea } from "../graph/areas/sites";
import type { SharePointRestArea } from "../graph/areas/sharepointRest";
import { columnFormatting, listViews, viewQueryXml } from "../../src/domain/lists/views";

/** The demo partnership: Lakeside North Community Inclusion Partnership (LNCIP), a dozen partner schools. */
export const demoSite = { hostname: "contoso.sharepoint.com", path: "lncip", displayName: "Lakeside North Inclusion Partnership" };

export const demoStaff = {
  partnership: "partnership@lncip.example",
  senco: "senco@lncip.example",
  director: "director@lncip.example",
  coordinator: "coordinator@lncip.example",
};

/** The Entra object ids of the partnership's staff in the demo tenant (what SharePoint records as an edit's author). */
export const demoStaffIds = {
  coordinator: "5b0c2a1e-7d43-4f6a-9c1e-2d4f6a8b0c03",
  senco: "5b0c2a1e-7d43-4f6a-9c1e-2d4f6a8b0c02",
  director: "5b0c2a1e-7d43-4f6a-9c1e-2d4f6a8b0c01",
} as const;

/** The partnership's staff who edit in SharePoint: the people the local tenant's forms save as. */
export const demoPeople = [
  { email: demoStaff.coordinator, displayName: "Partnership Coordinator", role: "Coordinator", id: demoStaffIds.coordinator },
  { email: demoStaff.senco, displayName: "Partnership SENCO", role: "SENCO", id: demoStaffIds.senco },
  { email: demoStaff.director, displayName: "Partnership Director", role: "Director", id: demoStaffIds.director },
] as const;

/**
 * The Agents Playground's mock users (its default config): their Teams user ids and Entra object ids. Alex Wilber
 * (user-id-0) is the user the Playground types as.
 */
export const playgroundUsers = [0, 1, 2, 3, 4, 5].map((i) => ({ teamsUserId: `user-id-${i}`, entraObjectId: `00000000-0000-0000-0000-00000000000${20 + i}` }));

/**
 * The demo People list: the Director, the partnership SENCO and the Coordinator (the local tenant's staff picker), with
 * the Director and SENCO on the Inclusion Forum. In the Agents Playground, Alex Wilber (user-id-0, the user it types
 * as) is also a Coordinator, so that he can choose the channels, and Adele, Isaiah and Patti (user-id-2 … 4) sit on
 * the Inclusion Forum; user-id-1 and user-id-5 are Core Group members only (see demoCoreGroupPanel).
 */
export const demoPeopleRows: PeopleRow[] = [
  { PersonKey: `director:${demoStaffIds.director}`, EntraObjectId: demoStaffIds.director, Email: demoStaff.director, Name: "Partnership Director", Role: "director" },
  { PersonKey: `inclusionForumMember:${demoStaffIds.director}`, EntraObjectId: demoStaffIds.director, Email: demoStaff.director, Name: "Partnership Director", Role: "inclusionForumMember" },
  { PersonKey: `partnershipSenco:${demoStaffIds.senco}`, EntraObjectId: demoStaffIds.senco, Email: demoStaff.senco, Name: "Partnership SENCO", Role: "partnershipSenco" },
  { PersonKey: `inclusionForumMember:${demoStaffIds.senco}`, EntraObjectId: demoStaffIds.senco, Email: demoStaff.senco, Name: "Partnership SENCO", Role: "inclusionForumMember" },
  { PersonKey: `coordinator:${demoStaffIds.coordinator}`, EntraObjectId: demoStaffIds.coordinator, Email: demoStaff.coordinator, Name: "Partnership Coordinator", Role: "coordinator" },
  { PersonKey: `coordinator:${playgroundUsers[0]!.entraObjectId}`, EntraObjectId: playgroundUsers[0]!.entraObjectId, TeamsUserId: "user-id-0", Email: "alexw@example.com", Name: "Alex Wilber", Role: "coordinator" },
  ...[2, 3, 4].map((i) => ({
    PersonKey: `inclusionForumMember:${playgroundUsers[i]!.entraObjectId}`,
    EntraObjectId: playgroundUsers[i]!.entraObjectId,
    TeamsUserId: `user-id-${i}`,
    Email: `forum${i}@lncip.example`,
    Name: ["", "", "Adele Vance", "Isaiah Langer", "Patti Fernandez"][i]!,
    Role: "inclusionForumMember" as const,
  })),
];

const names = [
  "Oakfield Academy", "Brookside School", "Hillcrest High", "Riverside Community College", "St Anne's Catholic School",
  "Meadowbank Academy", "Castle Hill School", "Westfield Park School", "Northgate High", "Elmwood Academy",
  "Kingsmead School", "Beacon Hill College",
];

/** The partner schools with their role mailboxes (URNs 120345 onwards). */
export const demoSchools = names.map((name, i) => {
  const slug = name.toLowerCase().replace(/[^a-z]+/g, "").slice(0, 12);
  return {
    Urn: String(120345 + i),
    SchoolName: name,
    AttendanceLeadEmail: `attendance@${slug}.example`,
    SencoEmail: `senco@${slug}.example`,
    DslEmail: `dsl@${slug}.example`,
    FinanceEmail: `finance@${slug}.example`,
    EmailDomain: `${slug}.example`,
  };
});

/** Core Group members: a head or senior leader from each of the first six schools, and the Director. */
export const demoCoreGroup = demoSchools.slice(0, 6).map((s) => ({ email: `head@${s.SencoEmail.split("@")[1]}`, schoolUrn: s.Urn }));

/**
 * The demo Core Group panel in the CoreGroupPanel list: the Agents Playground's users user-id-0 … user-id-5 are
 * the heads of the first six schools (demoCoreGroup), and user-id-0 also chairs by default.
 */
export const demoCoreGroupPanel: CoreGroupPanelRow[] = [
  ...demoCoreGroup.map((m, i) => ({ PanelKey: `member:user-id-${i}`, MemberId: `user-id-${i}`, MemberName: `Head of ${demoSchools[i]!.SchoolName}`, Role: "member" as const, SchoolUrn: m.schoolUrn })),
  { PanelKey: "chair:user-id-0", MemberId: "user-id-0", MemberName: `Head of ${demoSchools[0]!.SchoolName}`, Role: "chair" },
];

/**
 * The demo partnership's alternative providers (the Providers list): two unregistered settings — one whose
 * safeguarding confirmation is over a year old, to show the Coordinator's flag — and a registered independent school.
 */
export const demoProviders: ProvidersRow[] = [
  { Name: "Riverside Alternative Provision", ProviderId: "riverside", Ukprn: "10099001", RegisteredSchool: false, LastQaVisit: "2026-10-14", SafeguardingConfirmedOn: "2026-09-08", Sites: "Unit 4, Mill Lane, Loughborough", ContactName: "Riverside office", ContactEmail: "office@riverside-ap.example", ContactPhone: "0116 496 0200" },
  { Name: "North Works Training", ProviderId: "north-works", Ukprn: "10099002", RegisteredSchool: false, LastQaVisit: "2026-06-03", SafeguardingConfirmedOn: "2025-06-30", Sites: "North Works, Shepshed\nThe Yard, Hathern", ContactName: "North Works office", ContactEmail: "office@northworks.example" },
  { Name: "Hillview Independent School", ProviderId: "hillview", Urn: "139876", RegisteredSchool: true, LastQaVisit: "2026-09-22", SafeguardingConfirmedOn: "2026-09-22", Sites: "Hillview House, Quorn", ContactName: "Hillview admissions", ContactEmail: "admissions@hillview.example" },
];

/**
 * A case from before the app: an anonymous Inclusion Forum discussion Oakfield Academy brought to last summer's forum,
 * heard ("Refer to Partnership") and closed. The demo referral (sandbox/demo/referral.json) and the tests' named
 * referrals give it as their Inclusion Forum case, which must exist, be the school's own and have been heard.
 */
export const demoForumCase: CasesRow = {
  CaseRef: "LNCIP-2025-0031",
  Status: "closed",
  WorkflowStatus: "closed",
  Named: false,
  KeyStage: "KS3",
  ReceivedAt: "2025-06-02T09:00:00Z",
  WorkflowVersion: 3,
  RequestType: "inclusionForum",
  SchoolUrn: "120345",
  ParentalConsent: false,
  YearGroup: 8,
  InclusionForumOutcome: "referToPartnership",
  ReferrerEmail: "senco@oakfieldacade.example",
};

/**
 * The demo meetings: a Core Group every other Thursday at 16:00 (from 3 December 2026) and an Inclusion Forum on
 * the second Wednesday of each month at 09:30, on school days only, to the end of the 2026/27 term dates.
 */
export function demoMeetings(): { MeetingKey: string; Kind: "coreGroup" | "inclusionForum"; Date: string; StartTime: string; AgendaSize: number }[] {
  const calendar = schoolCalendarFor(shippedCalendars.leicestershire!);
  const open = (d: string) => { try { return isSchoolDay(calendar, d); } catch { return false; } };
  const meetings: ReturnType<typeof demoMeetings> = [];
  for (let d = "2026-12-03"; d <= "2027-07-16"; d = addDays(d, 14)) if (open(d)) meetings.push({ MeetingKey: `CG-${d}`, Kind: "coreGroup", Date: d, StartTime: "16:00", AgendaSize: 6 });
  for (let month = 0; month < 8; month++) {
    const first = new Date(Date.UTC(2026, 11 + month, 1)).toISOString().slice(0, 10);
    const firstWednesday = addDays(first, (3 - isoWeekday(first) + 7) % 7);
    const d = addDays(firstWednesday, 7);
    if (open(d)) meetings.push({ MeetingKey: `IF-${d}`, Kind: "inclusionForum", Date: d, StartTime: "09:30", AgendaSize: 10 });
  }
  return meetings;
}

/**
 * Seeds the sandbox with the demo tenant: the partnership site with every list from the domain's list
 * definitions (so the sandbox and the app can never disagree about columns), the schools, and mailboxes.
 */
export function seedDemoTenant(ctx: SandboxContext, areas: readonly GraphArea[]): void {
  const sites = areas.find((a) => a.name === "sites") as SitesArea;
  const mail = areas.find((a) => a.name === "mail") as MailArea | undefined;
  const siteId = sites.createSite(demoSite.hostname, demoSite.path, demoSite.displayName);
  for (const list of listDefinitions) {
    const titleLeaf = fieldLeaves(list.row).find((l) => l.path === list.titleColumn);
    sites.createList(siteId, { displayName: list.displayName, name: list.name, description: list.description, columns: toColumnDefinitions(list), indexTitle: titleLeaf?.meta.indexed ?? false, titleDisplayName: titleLeaf?.meta.columnTitle ?? "Title" }, ctx.now());
  }
  // The document library the annual summary is saved to, as `npm run provision` makes it.
  sites.createList(siteId, { displayName: "Reports", name: "Reports", description: "The partnership's reports: the annual Progress & Achievement summary.", template: "documentLibrary" }, ctx.now());
  for (const school of demoSchools) sites.addItem(siteId, "Schools", toListFields(schoolsList, school), "seed", ctx.now());
  for (const entry of demoCoreGroupPanel) sites.addItem(siteId, "CoreGroupPanel", toListFields(coreGroupPanelList, entry), "seed", ctx.now());
  for (const person of demoPeopleRows) sites.addItem(siteId, "People", toListFields(peopleList, person), "seed", ctx.now());
  for (const person of demoPeople) sites.addPerson({ id: person.id, email: person.email, displayName: person.displayName });
  for (const meeting of demoMeetings()) sites.addItem(siteId, "Meetings", toListFields(meetingsList, meeting), "seed", ctx.now());
  for (const provider of demoProviders) sites.addItem(siteId, "Providers", toListFields(providersList, provider), "seed", ctx.now());
  sites.addItem(siteId, "Cases", toListFields(casesList, demoForumCase), "seed", ctx.now());
  // The coordinator's views and column formatting, as `npm run provision` makes them in a tenant.
  const sharePoint = areas.find((a) => a.name === "sharepointRest") as SharePointRestArea | undefined;
  if (sharePoint) {
    sharePoint.useContext(ctx);
    for (const v of listViews) sharePoint.addView(siteId, v.list, { Title: v.title, ViewQuery: viewQueryXml(v), RowLimit: v.rowLimit, DefaultView: v.defaultView ?? false }, v.fields);
    for (const f of columnFormatting(schoolCalendarFor(shippedCalendars.leicestershire!))) sharePoint.setFormatter(siteId, f.list, f.column, JSON.stringify(f.formatter));
  }
  if (!mail) return;
  mail.addMailbox(demoStaff.partnership, "Lakeside North Inclusion Partnership");
  mail.addMailbox(demoStaff.senco, "Partnership SENCO");
  mail.addMailbox(demoStaff.director, "Partnership Director");
  mail.addMailbox(demoStaff.coordinator, "Partnership Coordinator");
  for (const s of demoSchools) {
    for (const role of ["AttendanceLeadEmail", "SencoEmail", "DslEmail", "FinanceEmail"] as const) mail.addMailbox(s[role], `${s.SchoolName} (${role.replace("Email", "")})`);
  }
  for (const m of demoCoreGroup) mail.addMailbox(m.email, `Core Group member (${m.schoolUrn})`);
}
