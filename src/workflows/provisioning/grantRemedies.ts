/**
 * What an administrator runs to grant what the permission check found missing, in the README's own commands
 * (Microsoft Graph PowerShell, Exchange Online PowerShell, the Microsoft 365 admin center). Pure text: the check
 * fills in the identity, the mailbox and the site it checked.
 */

/** Who and what the commands name. */
export interface GrantTarget {
  /** The app's identity (client id) the check ran as: the managed identity's in Azure. */
  clientId: string;
  mailbox: string;
  /** The site as Graph addresses it: `contoso.sharepoint.com:/sites/lncip`. */
  site: string;
}

/** The grants the app needs, each checked by `checkPermissions`. */
export type GrantId = "site" | "lists" | "referralInbox" | "listSubscriptions" | "sentItems" | "calendar" | "teamsMeeting" | "meetingProvider" | "mailSend" | "bot";

/** The Exchange management scope the README creates for the partnership mailbox (step 5). */
const SCOPE = "Inclusion Flow mailbox";
const principal = "<identityPrincipalId>";

const exchangeRole = (t: GrantTarget, role: string) => [
  "In Exchange Online PowerShell (Connect-ExchangeOnline), once per tenant the service principal and the mailbox's scope (README, step 5):",
  `  New-ServicePrincipal -AppId "${t.clientId}" -ObjectId "${principal}" -DisplayName "Inclusion Flow"`,
  `  New-ManagementScope -Name "${SCOPE}" -RecipientRestrictionFilter "PrimarySmtpAddress -eq '${t.mailbox}'"`,
  "then the role, scoped to the mailbox only:",
  `  New-ManagementRoleAssignment -App "${principal}" -Role "${role}" -CustomResourceScope "${SCOPE}"`,
  `  Test-ServicePrincipalAuthorization -Identity "${principal}" -Resource "${t.mailbox}" | Format-Table   # InScope True for "${role}"`,
  "Exchange can take an hour or two to apply it; run the check again then.",
];

const teamsLicence = (t: GrantTarget) => [
  `Assign ${t.mailbox} a licence that includes Microsoft Teams (a shared mailbox may hold one): Microsoft 365 admin center › Users › Active users › the mailbox › Licences and apps,`,
  "or in Microsoft Graph PowerShell (Connect-MgGraph -Scopes User.ReadWrite.All,Organization.Read.All):",
  "  Get-MgSubscribedSku | Select-Object SkuPartNumber, SkuId        # pick one whose plans include TEAMS1",
  `  Update-MgUser -UserId "${t.mailbox}" -UsageLocation GB`,
  `  Set-MgUserLicense -UserId "${t.mailbox}" -AddLicenses @(@{ SkuId = "<skuId>" }) -RemoveLicenses @()`,
  "Teams can take some hours to set the mailbox up after the licence is assigned.",
];

/**
 * The commands that grant one missing permission.
 *
 * @example
 * grantRemedy("sentItems", { clientId: "3b9d…", mailbox: "partnership@lncip.example", site: "contoso.sharepoint.com:/sites/lncip" })
 * // [..., '  New-ManagementRoleAssignment -App "<identityPrincipalId>" -Role "Application Mail.ReadBasic" -CustomResourceScope "Inclusion Flow mailbox"', ...]
 */
export function grantRemedy(grant: GrantId, t: GrantTarget): string[] {
  switch (grant) {
    case "site":
    case "lists":
      return [
        "In Microsoft Graph PowerShell (Connect-MgGraph -Scopes AppRoleAssignment.ReadWrite.All,Application.Read.All,Sites.FullControl.All), README step 4:",
        '  $graph = Get-MgServicePrincipal -Filter "appId eq \'00000003-0000-0000-c000-000000000000\'"',
        `  New-MgServicePrincipalAppRoleAssignment -ServicePrincipalId "${principal}" -PrincipalId "${principal}" -ResourceId $graph.Id -AppRoleId "883ea226-0bf2-4a8f-9f9d-92c9162a727d"   # Sites.Selected`,
        `  $site = Invoke-MgGraphRequest -Method GET -Uri "https://graph.microsoft.com/v1.0/sites/${t.site}"`,
        `  Invoke-MgGraphRequest -Method POST -Uri "https://graph.microsoft.com/v1.0/sites/$($site.id)/permissions" -ContentType "application/json" -Body '{"roles":["write"],"grantedToIdentities":[{"application":{"id":"${t.clientId}","displayName":"Inclusion Flow"}}]}'`,
      ];
    case "referralInbox":
      return [
        "Locking the Referral inbox down took the app's access with it. Give it back on that list only, in Microsoft Graph PowerShell (Connect-MgGraph -Scopes Sites.FullControl.All):",
        `  $site = Invoke-MgGraphRequest -Method GET -Uri "https://graph.microsoft.com/v1.0/sites/${t.site}"`,
        `  Invoke-MgGraphRequest -Method POST -Uri "https://graph.microsoft.com/v1.0/sites/$($site.id)/lists/ReferralInbox/permissions" -ContentType "application/json" -Body '{"roles":["write"],"grantedToV2":{"application":{"id":"${t.clientId}","displayName":"Inclusion Flow"}}}'`,
        "(docs/forms-flow.md, \"Lock the Referral inbox down\", keeps the flow's account and the app, and no one else.)",
      ];
    case "listSubscriptions":
      return [
        "Microsoft documents only Sites.ReadWrite.All (application) for change notifications on a list, and that reaches every site in the tenant.",
        "Either leave it refused: the app then finds coordinators' edits by polling the lists (a minute or so late, not seconds);",
        "or grant it knowingly, in Microsoft Graph PowerShell (Connect-MgGraph -Scopes AppRoleAssignment.ReadWrite.All,Application.Read.All):",
        '  $graph = Get-MgServicePrincipal -Filter "appId eq \'00000003-0000-0000-c000-000000000000\'"',
        `  New-MgServicePrincipalAppRoleAssignment -ServicePrincipalId "${principal}" -PrincipalId "${principal}" -ResourceId $graph.Id -AppRoleId "9492366f-7969-46a4-8d15-ed1a20078fff"   # Sites.ReadWrite.All`,
      ];
    case "sentItems":
      return exchangeRole(t, "Application Mail.ReadBasic");
    case "calendar":
      return exchangeRole(t, "Application Calendars.ReadWrite");
    case "mailSend":
      return exchangeRole(t, "Application Mail.Send");
    case "teamsMeeting":
    case "meetingProvider":
      return teamsLicence(t);
    case "bot":
      return [
        "Build the Teams app package (npm run package:teams), then as a Teams Administrator (README, step 9):",
        "  allow custom apps for the organisation: Teams admin center › Teams apps › Manage apps › Actions › Org-wide app settings › Custom apps,",
        "  or in PowerShell (MicrosoftTeams module): Set-CsTeamsSettingsCustomApp -isSideloadedAppsInteractionEnabled $true",
        "  upload it: Teams admin center › Teams apps › Manage apps › Actions › Upload new app, or: New-TeamsApp -DistributionMethod organization -Path inclusion-flow-teams.zip",
        "Then add it to the partnership's team, and in the Core Group's channel post: @Inclusion Flow use this channel for Core Group",
      ];
  }
}
