import type { PartnershipRole } from "../domain/case";
import type { Settings } from "../settings/settings";

/**
 * Who made a SharePoint edit, as the partnership's roles know them — for now from the role addresses in the settings
 * (DIRECTOR_EMAIL, PARTNERSHIP_SENCO_EMAIL, COORDINATOR_EMAIL) matched against the version's author
 * (`lastModifiedBy`). The one place the editor is looked up: a People list replaces it here.
 *
 * @example
 * editorRoleFromSettings(settings)({ lastModifiedBy: "Director@LNCIP.example" }) // "director"
 * editorRoleFromSettings(settings)({ lastModifiedBy: "head@oakfield.example" })  // "other"
 */
export function editorRoleFromSettings(settings: Pick<Settings, "DIRECTOR_EMAIL" | "PARTNERSHIP_SENCO_EMAIL" | "COORDINATOR_EMAIL">): (item: { lastModifiedBy?: string | undefined }) => Promise<PartnershipRole> {
  const roles = new Map<string, PartnershipRole>([
    [settings.COORDINATOR_EMAIL.toLowerCase(), "coordinator"],
    [settings.PARTNERSHIP_SENCO_EMAIL.toLowerCase(), "senco"],
    [settings.DIRECTOR_EMAIL.toLowerCase(), "director"],
  ]);
  return async (item) => roles.get((item.lastModifiedBy ?? "").trim().toLowerCase()) ?? "other";
}
