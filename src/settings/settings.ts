import { z } from "zod";
import { shippedCalendars } from "../domain/calendar";
import { defaultChargeRates, type ChargeRates } from "../domain/charges";
import { patternTableProblems, patternTableSchema, type PatternTable } from "../domain/placement";

/**
 * Every setting the app reads, parsed once at start-up. App settings (and `local.settings.json` Values) are
 * strings, so each entry coerces from a string and says in words what it expects: a missing or invalid setting
 * stops the app with a message naming the setting, which is what an administrator needs to fix it.
 *
 * @example
 * const settings = loadSettings(process.env);
 * settings.placesPerKeyStage.KS3 // 9 unless PLACES_KS3 says otherwise
 */

const text = (what: string) => z.string({ error: `expected ${what}` }).trim().min(1, `expected ${what}`);
const email = (what: string) =>
  z.string({ error: `expected ${what}` }).trim().toLowerCase().pipe(z.email(`expected ${what}, e.g. name@school.org.uk`));
const url = (what: string) =>
  z.string({ error: `expected ${what}` }).trim().pipe(z.url(`expected ${what} (an absolute http or https URL)`));
const wholeNumber = (what: string, min: number, max: number) =>
  z
    .string({ error: `expected ${what}` })
    .trim()
    .regex(/^\d+$/, `expected ${what}: a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.number().int().min(min, `expected ${what}: at least ${min}`).max(max, `expected ${what}: at most ${max}`));
const localTime = (what: string) =>
  z
    .string({ error: `expected ${what}` })
    .trim()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, `expected ${what} as HH:mm in UK time, e.g. 16:30`);

export const settingsSchema = z.object({
  /** Storage account of the function app (Azurite locally): queues and the app's tables. */
  AzureWebJobsStorage: text("a storage connection string (UseDevelopmentStorage=true locally)"),

  /** Microsoft Graph v1.0 base URL: the sandbox locally, https://graph.microsoft.com/v1.0 in a tenant. */
  GRAPH_BASE_URL: url("the Microsoft Graph v1.0 base URL").default("https://graph.microsoft.com/v1.0"),
  /** Entra ID authority host used by the client-secret credential (the sandbox's TLS port locally). */
  AZURE_AUTHORITY_HOST: url("the Entra ID authority host").default("https://login.microsoftonline.com"),
  AZURE_TENANT_ID: text("the Entra ID tenant id (a GUID)"),
  /** App registration (client secret) or the user-assigned managed identity's client id. */
  AZURE_CLIENT_ID: text("the app registration's or managed identity's client id"),
  /** Only for a client-secret credential (local development); absent in Azure, where the managed identity is used. */
  AZURE_CLIENT_SECRET: z.string().trim().min(1).optional(),

  /** Short code used in case references, e.g. LNCIP → LNCIP-2026-0042. */
  PARTNERSHIP_CODE: z
    .string({ error: "expected the partnership's short code, e.g. LNCIP" })
    .trim()
    .regex(/^[A-Z]{2,10}$/, "expected the partnership's short code: 2 to 10 capital letters, e.g. LNCIP"),
  PARTNERSHIP_NAME: text("the partnership's name as schools know it"),
  /** The partnership's SharePoint site as Graph addresses it: {hostname}:/sites/{path}. */
  SHAREPOINT_SITE: z
    .string({ error: "expected the SharePoint site as host:/sites/path" })
    .trim()
    .regex(
      /^[a-z0-9.-]+\.[a-z]{2,}:\/(sites|teams)\/[A-Za-z0-9_.-]+$/i,
      "expected the SharePoint site as host:/sites/path, e.g. contoso.sharepoint.com:/sites/lncip",
    ),
  /** Shared mailbox that sends every email and organises every review and meeting. */
  PARTNERSHIP_MAILBOX: email("the partnership's shared mailbox address"),
  PARTNERSHIP_SENCO_EMAIL: email("the partnership SENCO's email address"),
  DIRECTOR_EMAIL: email("the partnership Director's email address"),
  COORDINATOR_EMAIL: email("the partnership Coordinator's email address"),

  /** Places per key stage (docs/domain.md: the offer aims at 9 at KS3, 26 at KS4). */
  PLACES_KS3: wholeNumber("the number of KS3 places", 0, 500).default(9),
  PLACES_KS4: wholeNumber("the number of KS4 places", 0, 500).default(26),
  /**
   * The offer charges a school "the pro rata average pupil cost, pupil premium and any additional SEND funding" per
   * school day off site. The average pupil cost per key stage, in pence a year: the default, £6,771, is a national
   * placeholder (England's average per-pupil funding, schools national funding formula 2026-27) — set the county's
   * own figure (see `chargeRateSources` in src/domain/charges).
   */
  AVERAGE_PUPIL_COST_KS3_PENCE_PER_YEAR: wholeNumber("the yearly KS3 average pupil cost in pence", 0, 100_000_000).default(defaultChargeRates.averagePupilCostPencePerYear.KS3),
  AVERAGE_PUPIL_COST_KS4_PENCE_PER_YEAR: wholeNumber("the yearly KS4 average pupil cost in pence", 0, 100_000_000).default(defaultChargeRates.averagePupilCostPencePerYear.KS4),
  /** The pupil premium for an eligible secondary pupil, in pence a year (charged pro rata when the pupil is eligible). */
  PUPIL_PREMIUM_PENCE_PER_YEAR: wholeNumber("the yearly secondary pupil premium in pence", 0, 10_000_000).default(defaultChargeRates.pupilPremiumPencePerYear),
  /** Which shipped term-date calendar the partnership follows (a file under src/domain/calendar/data). */
  PARTNERSHIP_CALENDAR: z
    .string({ error: "expected the partnership's calendar id, e.g. leicestershire" })
    .trim()
    .pipe(z.enum(Object.keys(shippedCalendars) as [string, ...string[]], { error: `expected the partnership's calendar: one of ${Object.keys(shippedCalendars).join(", ")}` }))
    .default("leicestershire"),

  /** The tenant's own Referral Form definition (question ids as Forms gave them); the shipped demo one if unset. */
  REFERRAL_FORM_DEFINITION: z.string().trim().min(1).optional(),

  /** Public URL of POST /api/notifications that Graph calls (https in a tenant). */
  NOTIFICATION_URL: url("the public URL of the app's /api/notifications endpoint"),
  /**
   * When Graph refuses change notifications on the lists (no Sites.ReadWrite.All), their changes are found by polling
   * this often: whole minutes that divide an hour, so the timer's NCRONTAB schedule (`0 *\/N * * * *`) is even.
   */
  LIST_POLL_MINUTES: z
    .string({ error: "expected the minutes between polls of the lists" })
    .trim()
    .regex(/^(1|2|3|4|5|6|10|12|15|20|30)$/, "expected the minutes between polls of the lists: 1, 2, 3, 4, 5, 6, 10, 12, 15, 20 or 30")
    .transform(Number)
    .default(1),
  /** Secret Graph echoes in every notification; compared in constant time. */
  NOTIFICATION_CLIENT_STATE: z
    .string({ error: "expected a secret of 16 to 128 characters for change notifications" })
    .min(16, "expected a secret of 16 to 128 characters for change notifications")
    .max(128, "expected a secret of 16 to 128 characters for change notifications (Graph allows at most 128)"),

  /**
   * Secret key for the keyed hash that finds a pupil's open case without storing their UPN in clear.
   * Changing it forgets which pupils have open cases (a Key Vault secret in Azure; never rotate casually).
   */
  PUPIL_INDEX_KEY: z
    .string({ error: "expected a secret of at least 16 characters for the open-case index" })
    .min(16, "expected a secret of at least 16 characters for the open-case index"),

  /**
   * The Azure Bot's app id (= the user-assigned managed identity's client id). Unset only for local development,
   * where the bot serves the Agents Playground anonymously on loopback (never in a deployed app).
   */
  BOT_CLIENT_ID: z.string().trim().min(1).optional(),
  /** The bot's Entra tenant (single-tenant bot); AZURE_TENANT_ID when unset. Activities from any other tenant are refused. */
  BOT_TENANT_ID: z.string().trim().min(1).optional(),
  /**
   * The partnership's team in Teams, as Teams names it in an activity's `channelData.team.id` (the General channel's
   * thread id, `19:…@thread.tacv2`): the Core Group and Inclusion Forum channels can be chosen only in this team.
   */
  PARTNERSHIP_TEAM_ID: z.string().trim().min(1).max(255).optional(),

  /** Views from how many different schools a Core Group decision needs before the chair may record it. */
  CORE_GROUP_QUORUM: wholeNumber("the Core Group quorum (schools' views)", 1, 60).default(3),
  /** Cases one Core Group meeting can hear. */
  CORE_GROUP_AGENDA_SIZE: wholeNumber("the number of cases a Core Group meeting can hear", 1, 50).default(6),
  /** Who chairs a Core Group meeting whose Meetings row names no chair (a Teams user id); else the CoreGroupPanel list's chair. */
  CORE_GROUP_CHAIR: z.string().trim().min(1).max(255).optional(),
  /** Reviews at least this often (DfE: at least every half term). */
  REVIEW_CADENCE_SCHOOL_WEEKS: wholeNumber("the review cadence in school weeks", 1, 7).default(6),
  REVIEW_LOCAL_TIME: localTime("the local time reviews start").default("15:30"),
  ATTENDANCE_ALERT_TIME: localTime("the time of the morning absence alert").default("10:00"),
  ATTENDANCE_DIGEST_TIME: localTime("the time of the end-of-day attendance digest").default("16:30"),
  /** The Director's week goes on Mondays from this UK time; termly statements the morning after a term; the summary on 1 September. */
  REPORTS_TIME: localTime("the time the reports go out").default("08:00"),
  /** The document library on the partnership site the annual Progress & Achievement summary is saved to. */
  REPORTS_LIBRARY: z
    .string({ error: "expected the name of the reports' document library, e.g. Reports" })
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9 _-]{0,49}$/, "expected the name of the reports' document library: letters, digits, spaces, - and _, e.g. Reports")
    .default("Reports"),

  /** Placements: a new placement starts this many school days after it is set up (the Coordinator can move it). */
  PLACEMENT_START_SCHOOL_DAYS: wholeNumber("the school days between setting up a placement and its start", 0, 60).default(5),
  /** How the home school registers a placement's sessions unless a case says otherwise (B, K or D). */
  DEFAULT_ATTENDANCE_BASIS: z.enum(["B", "K", "D"], { error: "expected the default attendance basis: B, K or D" }).default("B"),
  /**
   * The partnership's own weekly patterns (JSON: for Years 7–8, Year 9 and Key Stage 4, part-time and full-time, where
   * the pupil is each weekday); the offer's patterns when unset. New placements' AP days go to the Providers list.
   */
  PLACEMENT_PATTERNS: z
    .string()
    .trim()
    .optional()
    .transform((v, ctx): PatternTable | undefined => {
      if (v === undefined) return undefined;
      let json: unknown;
      try {
        json = JSON.parse(v);
      } catch {
        ctx.addIssue({ code: "custom", message: "expected the weekly patterns as JSON (see docs/placements-and-reviews.md)" });
        return z.NEVER;
      }
      const problems = patternTableProblems(json);
      if (problems.length) {
        ctx.addIssue({ code: "custom", message: `expected the weekly patterns as JSON: ${problems.join(" ")}` });
        return z.NEVER;
      }
      return patternTableSchema.parse(json);
    }),
  /** A missing purchase order is chased every this many school days. */
  PO_REMINDER_SCHOOL_DAYS: wholeNumber("the school days between purchase order reminders", 1, 30).default(3),
  /** The Coordinator is reminded of a referral still undecided this many days after it was received. */
  DECISION_PENDING_DAYS: wholeNumber("the days a referral may wait for its decision before a reminder", 1, 365).default(28),
  /** Inclusion Forum members who receive each Forum's agenda: email addresses separated by commas or semicolons. */
  INCLUSION_FORUM_MEMBERS: z
    .string()
    .default("")
    .transform((v) => v.split(/[,;\s]+/).map((x) => x.trim().toLowerCase()).filter(Boolean))
    .pipe(z.array(z.email("expected the Inclusion Forum members' email addresses, separated by commas"))),
  /** New Referral Form responses a day the intake takes from one responder (429 beyond, until UK midnight). */
  INTAKE_DAILY_LIMIT_PER_RESPONDER: wholeNumber("the referral forms a day one person may send", 1, 10_000).default(25),
  /** New Referral Form responses a day the intake takes for one school (429 beyond, until UK midnight). */
  INTAKE_DAILY_LIMIT_PER_SCHOOL: wholeNumber("the referral forms a day for one school", 1, 10_000).default(50),
  /** The Inclusion Forum's agenda goes out this many school days before the Forum. */
  IF_AGENDA_SCHOOL_DAYS_BEFORE: wholeNumber("the school days before an Inclusion Forum its agenda is sent", 1, 20).default(3),
});

/**
 * Settings the app once read and no longer does, with what took each one's place. One still set is refused at
 * start-up like a bad setting: left alone it would be ignored silently, and a partnership that set its own place
 * rate would be charged the default one. Add an entry here when a setting is removed from the schema.
 */
export const removedSettings: Readonly<Record<string, string>> = {
  PLACE_RATE_KS3_PENCE_PER_YEAR: "no longer read: a KS3 place is charged the average pupil cost: set AVERAGE_PUPIL_COST_KS3_PENCE_PER_YEAR (pence a year) instead, then delete this setting",
  PLACE_RATE_KS4_PENCE_PER_YEAR: "no longer read: a KS4 place is charged the average pupil cost: set AVERAGE_PUPIL_COST_KS4_PENCE_PER_YEAR (pence a year) instead, then delete this setting",
  AP_PROVIDER_NAME: "no longer read: the alternative provision providers are the Providers list (npm run provision -- --providers providers.csv); delete this setting",
  AP_PROVIDER_REGISTERED: "no longer read: whether a provider is a registered school is its row in the Providers list; delete this setting",
};

export type SettingsInput = z.input<typeof settingsSchema>;
type RawSettings = z.output<typeof settingsSchema>;

/** What the app uses: the raw settings plus a few shapes the domain asks for. */
export interface Settings extends RawSettings {
  placesPerKeyStage: { KS3: number; KS4: number };
  /** What a place is charged (the average pupil cost per key stage and the pupil premium, a year in pence). */
  chargeRates: ChargeRates;
}

/** A setting is missing, invalid or no longer read: the message lists each one, with what it expects. */
export class SettingsError extends Error {
  constructor(readonly problems: readonly { setting: string; expected: string }[]) {
    super(
      `The app cannot start: ${problems.length === 1 ? "one setting is" : `${problems.length} settings are`} missing, invalid or no longer read.\n` +
        problems.map((p) => `  - ${p.setting}: ${p.expected}`).join("\n"),
    );
    this.name = "SettingsError";
  }
}

/**
 * Parses the environment into settings, or throws a SettingsError naming every bad setting.
 * Empty strings count as missing (an app setting left blank in the portal is not a value).
 *
 * @example
 * loadSettings({ ...env, PLACES_KS3: "nine" })
 * // SettingsError: PLACES_KS3: expected the number of KS3 places: a whole number from 0 to 500
 * loadSettings({ ...env, PLACE_RATE_KS3_PENCE_PER_YEAR: "1900000" })
 * // SettingsError: PLACE_RATE_KS3_PENCE_PER_YEAR: no longer read: … set AVERAGE_PUPIL_COST_KS3_PENCE_PER_YEAR …
 */
export function loadSettings(env: Record<string, string | undefined>): Settings {
  const present: Record<string, string> = {};
  for (const key of Object.keys(settingsSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value.trim() !== "") present[key] = value;
  }
  // Identity-based storage (Azure): the host's AzureWebJobsStorage__accountName/__clientId, in the one-string form.
  const storageAccount = env.AzureWebJobsStorage__accountName?.trim();
  if (present.AzureWebJobsStorage === undefined && storageAccount) present.AzureWebJobsStorage = identityStorageSetting(storageAccount, env.AzureWebJobsStorage__clientId);
  const parsed = settingsSchema.safeParse(present);
  const removed = Object.entries(removedSettings)
    .filter(([setting]) => (env[setting] ?? "").trim() !== "")
    .map(([setting, expected]) => ({ setting, expected }));
  if (!parsed.success || removed.length) {
    const problems = (parsed.error?.issues ?? []).map((issue) => {
      const setting = String(issue.path[0] ?? "(settings)");
      const missing = present[setting] === undefined;
      return { setting, expected: missing ? `missing: ${issue.message}` : issue.message };
    });
    throw new SettingsError([...problems, ...removed]);
  }
  const s = parsed.data;
  return {
    ...s,
    placesPerKeyStage: { KS3: s.PLACES_KS3, KS4: s.PLACES_KS4 },
    chargeRates: {
      averagePupilCostPencePerYear: { KS3: s.AVERAGE_PUPIL_COST_KS3_PENCE_PER_YEAR, KS4: s.AVERAGE_PUPIL_COST_KS4_PENCE_PER_YEAR },
      pupilPremiumPencePerYear: s.PUPIL_PREMIUM_PENCE_PER_YEAR,
    },
  };
}

/**
 * The one-string form of identity-based storage that the settings loader puts in AzureWebJobsStorage (the storage
 * adapter's `parseStorageConnection` reads it back), so every part of the app keeps taking one storage string.
 *
 * @example
 * identityStorageSetting("stlncip", "3b9d8f5e-7c21-4e0a-8f3b-000000000002") // "ManagedIdentity;AccountName=stlncip;ClientId=3b9d8f5e-…"
 */
export function identityStorageSetting(accountName: string, clientId?: string): string {
  return `ManagedIdentity;AccountName=${accountName.trim()}${clientId ? `;ClientId=${clientId.trim()}` : ""}`;
}
