// Inclusion Flow in Azure: a Flex Consumption function app (Node 22) with its own storage account reached by a
// user-assigned managed identity (no storage key anywhere), Application Insights with Entra ID authentication,
// a Key Vault holding the app's two secrets (referenced from app settings, never in the repo or this file), and
// optionally the single-tenant Azure Bot for Teams on the same identity. With restrictNetwork (the default) the
// storage account and the Key Vault refuse the public internet: the app reaches them through its virtual network
// (private endpoints), and only the administrators' own address ranges (adminIpRanges) besides.
//
//   az deployment group create -g <resource-group> -f infra/main.bicep -p infra/main.parameters.json
//
// Secrets are created once, after this deployment, with `az keyvault secret set` (docs/deploying-to-a-tenant.md, step 3, "The two secrets").
// The identity's Microsoft Graph permissions (Sites.Selected, Mail.Send and Calendars.ReadWrite scoped to the
// partnership mailbox) are granted by a tenant administrator: docs/deploying-to-a-tenant.md, steps 4 and 5.

targetScope = 'resourceGroup'

@description('Short lower-case name used to derive every resource name, e.g. lncip.')
@minLength(3)
@maxLength(12)
param name string

@description('Azure region for everything but the bot (which is global).')
param location string = resourceGroup().location

// ---- the partnership (the app's settings; see src/settings/settings.ts) ----
@description('Short code in case references, e.g. LNCIP.')
param partnershipCode string
param partnershipName string
@description('The partnership SharePoint site as host:/sites/path, e.g. contoso.sharepoint.com:/sites/lncip.')
param sharePointSite string
param partnershipMailbox string
param partnershipSencoEmail string
param directorEmail string
param coordinatorEmail string
param placesKs3 int = 9
param placesKs4 int = 26
@description('Average pupil cost per key stage, pence a year, charged pro rata per school day off site (default: a national placeholder, £6,771; set the county figure)')
param averagePupilCostKs3PencePerYear int = 677100
param averagePupilCostKs4PencePerYear int = 677100
@description('Secondary pupil premium, pence a year, charged pro rata for an eligible pupil')
param pupilPremiumPencePerYear int = 107500
param partnershipCalendar string = 'leicestershire'
param coreGroupQuorum int = 3
param coreGroupAgendaSize int = 6
@description('Teams user id of the default Core Group chair, for meetings whose Meetings row names none (optional: else the CoreGroupPanel list says)')
param coreGroupChair string = ''
@description('The partnership\'s team as Teams names it in activities (channelData.team.id, the General channel\'s thread id 19:…@thread.tacv2): the panels\' channels may be chosen only in it')
param partnershipTeamId string
param reviewCadenceSchoolWeeks int = 6
@description('Minutes between polls of the lists when Graph refuses change notifications on them (1, 2, 3, 4, 5, 6, 10, 12, 15, 20 or 30)')
@allowed([1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30])
param listPollMinutes int = 1
@description('Placements: school days between setting one up and its start')
param placementStartSchoolDays int = 5
@description('How home schools register placement sessions unless a case says otherwise: B, K or D')
@allowed(['B', 'K', 'D'])
param defaultAttendanceBasis string = 'B'
@description('The partnership\'s own weekly patterns as JSON (optional: the offer\'s patterns when empty); providers come from the Providers list')
param placementPatterns string = ''
@description('A missing purchase order is chased every this many school days')
param poReminderSchoolDays int = 3
@description('The Coordinator is reminded of a referral undecided this many days after it arrived')
param decisionPendingDays int = 28
@description('Inclusion Forum members who get each agenda: email addresses separated by commas')
param inclusionForumMembers string = ''
@description('School days before a Forum that its agenda goes out')
param ifAgendaSchoolDaysBefore int = 3
param reviewLocalTime string = '15:30'
param attendanceAlertTime string = '10:00'
param attendanceDigestTime string = '16:30'
@description('New Referral Form responses a day the intake takes from one person (429 beyond, until UK midnight)')
param intakeDailyLimitPerResponder int = 25
@description('New Referral Form responses a day the intake takes for one school (429 beyond, until UK midnight)')
param intakeDailyLimitPerSchool int = 50
@description('UK time the reports go out: the Director\'s week on Mondays, termly statements, the annual summary')
param reportsTime string = '08:00'
@description('The document library on the partnership site the annual summary is saved to')
param reportsLibrary string = 'Reports'

// ---- scale ----
@description('Instance memory: 2048 or 4096 MB.')
@allowed([2048, 4096])
param instanceMemoryMB int = 2048
@description('Most instances the app scales out to.')
param maximumInstanceCount int = 40
@description('HTTP requests one instance takes at once (the bench measures webhook acknowledgement at this concurrency).')
param httpPerInstanceConcurrency int = 16

// ---- the bot ----
@description('Create the single-tenant Azure Bot (Teams channel) on the app\'s managed identity.')
param deployBot bool = true
@description('The bot\'s messaging path on the function app (issue 5\'s Teams bot).')
param botMessagesPath string = '/api/messages'

@description('Object id of the person or group deploying, given Key Vault Secrets Officer to create the two secrets. Empty: none.')
param secretsOfficerPrincipalId string = ''

// ---- the network ----
@description('Keep the storage account and the Key Vault off the public internet: the app reaches them through its virtual network (private endpoints). false only for a throwaway trial.')
param restrictNetwork bool = true
@description('Public address ranges (CIDR, e.g. 203.0.113.0/24) also let through to the storage account and the Key Vault: where administrators set the secrets (az keyvault secret set) and run npm run replay-poison or provider-key. Empty: nobody outside the virtual network.')
param adminIpRanges array = []
@description('Address space of the app\'s virtual network (two /24 subnets are carved from its start).')
param vnetAddressPrefix string = '10.40.0.0/16'

var token = toLower(uniqueString(resourceGroup().id, name))
var storageName = take('st${replace(name, '-', '')}${token}', 24)
var appName = 'func-${name}-${take(token, 6)}'
var vaultName = take('kv-${name}-${token}', 24)
var deploymentContainer = 'app-package'

// Built-in role definition ids.
var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

// ---- the network: the app's subnet (delegated to Flex Consumption) and one for the private endpoints ----
var appSubnetPrefix = cidrSubnet(vnetAddressPrefix, 24, 1)
var endpointSubnetPrefix = cidrSubnet(vnetAddressPrefix, 24, 2)

resource vnet 'Microsoft.Network/virtualNetworks@2023-11-01' = if (restrictNetwork) {
  name: 'vnet-${name}'
  location: location
  properties: {
    addressSpace: { addressPrefixes: [vnetAddressPrefix] }
    subnets: [
      {
        name: 'app'
        properties: {
          addressPrefix: appSubnetPrefix
          delegations: [{ name: 'flex-consumption', properties: { serviceName: 'Microsoft.App/environments' } }]
        }
      }
      {
        name: 'private-endpoints'
        properties: {
          addressPrefix: endpointSubnetPrefix
          privateEndpointNetworkPolicies: 'Disabled'
        }
      }
    ]
  }
}

// Storage and Key Vault refuse every network but these: the app's virtual network (by private endpoint) and the
// administrators' ranges. Trusted Azure services (Azure Monitor, the deployment of the app's package) pass.
var networkAcls = {
  defaultAction: restrictNetwork ? 'Deny' : 'Allow'
  bypass: 'AzureServices'
  ipRules: [for cidr in adminIpRanges: { value: cidr, action: 'Allow' }]
  virtualNetworkRules: []
}
var publicAccess = restrictNetwork && empty(adminIpRanges) ? 'Disabled' : 'Enabled'

// ---- identity ----
resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-${name}'
  location: location
}

// ---- storage: host state, the deployment package, the app's queues and tables ----
resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: storageName
  location: location
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    publicNetworkAccess: publicAccess
    networkAcls: networkAcls
  }
  resource blobs 'blobServices' = {
    name: 'default'
    resource packages 'containers' = {
      name: deploymentContainer
      properties: { publicAccess: 'None' }
    }
  }
}

resource storageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in [roles.storageBlobDataOwner, roles.storageQueueDataContributor, roles.storageTableDataContributor]: {
  name: guid(storage.id, identity.id, role)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}]

// ---- monitoring ----
resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: 'log-${name}'
  location: location
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: 'appi-${name}'
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    DisableLocalAuth: true
  }
}

resource insightsRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(insights.id, identity.id, roles.monitoringMetricsPublisher)
  scope: insights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// ---- secrets ----
resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: vaultName
  location: location
  properties: {
    tenantId: tenant().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: publicAccess
    networkAcls: {
      defaultAction: networkAcls.defaultAction
      bypass: 'AzureServices'
      ipRules: [for cidr in adminIpRanges: { value: cidr }]
      virtualNetworkRules: []
    }
  }
}

// ---- private endpoints: storage's blob, queue and table services and the vault, each with its private DNS zone ----
var privateLinks = [
  { name: 'blob', service: storage.id, group: 'blob', zone: 'privatelink.blob.${environment().suffixes.storage}' }
  { name: 'queue', service: storage.id, group: 'queue', zone: 'privatelink.queue.${environment().suffixes.storage}' }
  { name: 'table', service: storage.id, group: 'table', zone: 'privatelink.table.${environment().suffixes.storage}' }
  { name: 'vault', service: vault.id, group: 'vault', zone: 'privatelink.vaultcore.azure.net' }
]

resource privateZones 'Microsoft.Network/privateDnsZones@2020-06-01' = [for link in privateLinks: if (restrictNetwork) {
  name: link.zone
  location: 'global'
}]

resource privateZoneLinks 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2020-06-01' = [for (link, i) in privateLinks: if (restrictNetwork) {
  parent: privateZones[i]
  name: 'vnet-${name}'
  location: 'global'
  properties: {
    registrationEnabled: false
    virtualNetwork: { id: vnet.id }
  }
}]

resource privateEndpoints 'Microsoft.Network/privateEndpoints@2023-11-01' = [for (link, i) in privateLinks: if (restrictNetwork) {
  name: 'pe-${name}-${link.name}'
  location: location
  properties: {
    subnet: { id: '${vnet.id}/subnets/private-endpoints' }
    privateLinkServiceConnections: [{ name: link.name, properties: { privateLinkServiceId: link.service, groupIds: [link.group] } }]
  }
}]

resource privateEndpointZones 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2023-11-01' = [for (link, i) in privateLinks: if (restrictNetwork) {
  parent: privateEndpoints[i]
  name: 'default'
  properties: {
    privateDnsZoneConfigs: [{ name: link.name, properties: { privateDnsZoneId: privateZones[i].id } }]
  }
}]

resource vaultReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, identity.id, roles.keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource vaultOfficer 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(secretsOfficerPrincipalId)) {
  name: guid(vault.id, secretsOfficerPrincipalId, roles.keyVaultSecretsOfficer)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsOfficer)
    principalId: secretsOfficerPrincipalId
  }
}

// Versionless references: the app reads the current version (Key Vault references refresh within a day, or
// at once on a restart).
var notificationClientStateRef = '@Microsoft.KeyVault(SecretUri=${vault.properties.vaultUri}secrets/notification-client-state)'
var pupilIndexKeyRef = '@Microsoft.KeyVault(SecretUri=${vault.properties.vaultUri}secrets/pupil-index-key)'

// ---- the function app ----
resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: 'plan-${name}'
  location: location
  kind: 'functionapp'
  sku: { tier: 'FlexConsumption', name: 'FC1' }
  properties: { reserved: true }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: appName
  location: location
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identity.id
    siteConfig: { minTlsVersion: '1.2' }
    // Into the virtual network: storage, the queues and tables, and the Key Vault references all go by private endpoint.
    virtualNetworkSubnetId: restrictNetwork ? '${vnet.id}/subnets/app' : null
    vnetRouteAllEnabled: restrictNetwork
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainer}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identity.id
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
        triggers: {
          http: { perInstanceConcurrency: httpPerInstanceConcurrency }
        }
      }
      runtime: { name: 'node', version: '22' }
    }
  }
  dependsOn: [storageRoles, vaultReader, insightsRole, privateEndpointZones, privateZoneLinks]
}

resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: app
  name: 'appsettings'
  properties: {
    // Host storage and the app's own tables and queues, identity-based (src/m365/storage/storageConnection.ts).
    AzureWebJobsStorage__accountName: storage.name
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identity.properties.clientId
    APPLICATIONINSIGHTS_CONNECTION_STRING: insights.properties.ConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identity.properties.clientId};Authorization=AAD'

    // Microsoft Graph with the managed identity: no client secret in Azure.
    AZURE_TENANT_ID: tenant().tenantId
    AZURE_CLIENT_ID: identity.properties.clientId
    // The Azure Bot runs on the same user-assigned identity (single tenant): its app id is the identity's client id.
    BOT_CLIENT_ID: identity.properties.clientId
    BOT_TENANT_ID: tenant().tenantId

    PARTNERSHIP_CODE: partnershipCode
    PARTNERSHIP_NAME: partnershipName
    SHAREPOINT_SITE: sharePointSite
    PARTNERSHIP_MAILBOX: partnershipMailbox
    PARTNERSHIP_SENCO_EMAIL: partnershipSencoEmail
    DIRECTOR_EMAIL: directorEmail
    COORDINATOR_EMAIL: coordinatorEmail
    PLACES_KS3: string(placesKs3)
    PLACES_KS4: string(placesKs4)
    AVERAGE_PUPIL_COST_KS3_PENCE_PER_YEAR: string(averagePupilCostKs3PencePerYear)
    AVERAGE_PUPIL_COST_KS4_PENCE_PER_YEAR: string(averagePupilCostKs4PencePerYear)
    PUPIL_PREMIUM_PENCE_PER_YEAR: string(pupilPremiumPencePerYear)
    PARTNERSHIP_CALENDAR: partnershipCalendar
    CORE_GROUP_QUORUM: string(coreGroupQuorum)
    CORE_GROUP_AGENDA_SIZE: string(coreGroupAgendaSize)
    CORE_GROUP_CHAIR: coreGroupChair
    PARTNERSHIP_TEAM_ID: partnershipTeamId
    REVIEW_CADENCE_SCHOOL_WEEKS: string(reviewCadenceSchoolWeeks)
    PLACEMENT_START_SCHOOL_DAYS: string(placementStartSchoolDays)
    DEFAULT_ATTENDANCE_BASIS: defaultAttendanceBasis
    PLACEMENT_PATTERNS: placementPatterns
    PO_REMINDER_SCHOOL_DAYS: string(poReminderSchoolDays)
    DECISION_PENDING_DAYS: string(decisionPendingDays)
    INCLUSION_FORUM_MEMBERS: inclusionForumMembers
    IF_AGENDA_SCHOOL_DAYS_BEFORE: string(ifAgendaSchoolDaysBefore)
    REVIEW_LOCAL_TIME: reviewLocalTime
    ATTENDANCE_ALERT_TIME: attendanceAlertTime
    ATTENDANCE_DIGEST_TIME: attendanceDigestTime
    INTAKE_DAILY_LIMIT_PER_RESPONDER: string(intakeDailyLimitPerResponder)
    INTAKE_DAILY_LIMIT_PER_SCHOOL: string(intakeDailyLimitPerSchool)
    REPORTS_TIME: reportsTime
    REPORTS_LIBRARY: reportsLibrary

    LIST_POLL_MINUTES: string(listPollMinutes)
    NOTIFICATION_URL: 'https://${app.properties.defaultHostName}/api/notifications'
    NOTIFICATION_CLIENT_STATE: notificationClientStateRef
    PUPIL_INDEX_KEY: pupilIndexKeyRef
  }
}

// ---- the Teams bot: single tenant, on the same user-assigned identity (no bot secret) ----
resource bot 'Microsoft.BotService/botServices@2022-09-15' = if (deployBot) {
  name: 'bot-${name}-${take(token, 6)}'
  location: 'global'
  kind: 'azurebot'
  sku: { name: 'F0' }
  properties: {
    displayName: partnershipName
    endpoint: 'https://${app.properties.defaultHostName}${botMessagesPath}'
    msaAppType: 'UserAssignedMSI'
    msaAppId: identity.properties.clientId
    msaAppMSIResourceId: identity.id
    msaAppTenantId: tenant().tenantId
  }
}

resource teamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = if (deployBot) {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: { isEnabled: true }
  }
}

output functionAppName string = app.name
output functionAppHostName string = app.properties.defaultHostName
output intakeUrl string = 'https://${app.properties.defaultHostName}/api/forms/referral'
output identityClientId string = identity.properties.clientId
output identityPrincipalId string = identity.properties.principalId
output keyVaultName string = vault.name
output storageAccountName string = storage.name
output botName string = deployBot ? bot.name : ''
