import type { SchoolCalendar } from "../../domain/calendar";
import type { KeyStage } from "../../domain/referral/keyStage";
import type { CasesRow, CoreGroupPanelRow, DecisionsRow, MeetingsRow } from "../../domain/lists";
import type { ListItems } from "../../m365/sharepoint/items";
import type { AppState } from "../../m365/tables/appState";
import type { EffectLedger } from "../../m365/tables/effectLedger";
import type { TeamsChannel } from "../../teams/teamsChannel";
import type { CaseCommandPort } from "../cases/caseCommand";
import type { SchoolDirectory } from "../schools/schoolDirectory";
import type { PeopleDirectory } from "../people/peopleDirectory";

/**
 * What the Core Group and Inclusion Forum card workflows need: the lists they read, the app's tables, the Teams
 * channel port (the bot) and the one way to change a case (`caseCommand`, through the state machine).
 */
export interface CoreGroupPorts {
  cases: ListItems<CasesRow>;
  meetings: ListItems<MeetingsRow>;
  /** The CoreGroupPanel list: members, deputies per meeting, the default chair. */
  panel: ListItems<CoreGroupPanelRow>;
  decisions: ListItems<DecisionsRow>;
  schools: SchoolDirectory;
  state: AppState;
  ledger: EffectLedger;
  teams: TeamsChannel;
  /** The one way to change a case (through the state machine). */
  caseCommand: CaseCommandPort;
  /** The partnership's roles (People and CoreGroupPanel lists): who pressed, by Entra object id, and what they may do. */
  people: Pick<PeopleDirectory, "presser">;
  /** Places left now and the waiting list's length, for a key stage. */
  capacity(keyStage: KeyStage): Promise<{ placesLeft: number; waitingList: number }>;
  /** Views from this many schools before the chair may record a decision (setting CORE_GROUP_QUORUM). */
  quorumSchools: number;
  /** Chairs a meeting whose Meetings row names no chair (setting CORE_GROUP_CHAIR); else the panel list's chair row. */
  defaultChairId?: string | undefined;
  /** The partnership's school calendar (reminders count school days). */
  calendar: SchoolCalendar;
  /** The case item's page in SharePoint (the card links to it instead of copying it), at the site's own address. */
  caseUrl(itemId: string): string | Promise<string>;
  now(): Date;
  log(message: string): void;
}

/** App state scope: the posted Core Group card of each case, keyed by case reference. */
export const CORE_GROUP_CARDS_SCOPE = "coreGroupCards";
/** App state scope: the views and decision of one posting of a case, keyed `${caseRef}|${round}`. */
export const CORE_GROUP_VOTES_SCOPE = "coreGroupVotes";
/** Postings of a Core Group card begun (by posting key): a card whose post was not recorded is adopted on its first press. */
export const CORE_GROUP_POSTINGS_SCOPE = "coreGroupPostings";
/** App state scope: the posted Inclusion Forum agenda of each forum meeting, keyed by MeetingKey. */
export const FORUM_AGENDAS_SCOPE = "forumAgendas";
/** App state scope: agenda postings begun (by MeetingKey), adopted by the first press if the post was never recorded. */
export const FORUM_AGENDA_POSTINGS_SCOPE = "forumAgendaPostings";
/** App state scope: the comment the chair gave when recording a posting's decision, keyed by round. */
export const CHAIR_COMMENTS_SCOPE = "coreGroupChairComments";
