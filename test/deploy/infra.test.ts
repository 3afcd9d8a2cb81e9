import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { settingsSchema } from "../../src/settings/settings";

const bicep = readFileSync(join(__dirname, "..", "..", "infra", "main.bicep"), "utf8");
const parameters = JSON.parse(readFileSync(join(__dirname, "..", "..", "infra", "main.parameters.json"), "utf8")) as { parameters: Record<string, { value: unknown }> };
const appSettings = bicep.slice(bicep.indexOf("resource appSettings"), bicep.indexOf("resource bot "));

describe("infra/main.bicep", () => {
  it("sets every app setting the settings schema declares (storage identity-based, no client secret in Azure)", () => {
    for (const key of Object.keys(settingsSchema.shape)) {
      if (key === "AZURE_CLIENT_SECRET" || key === "REFERRAL_FORM_DEFINITION" || key === "GRAPH_BASE_URL" || key === "AZURE_AUTHORITY_HOST") continue;
      if (key === "AzureWebJobsStorage") {
        expect(appSettings).toMatch(/AzureWebJobsStorage__accountName:/);
        expect(appSettings).toMatch(/AzureWebJobsStorage__credential: 'managedidentity'/);
        continue;
      }
      expect(appSettings, key).toMatch(new RegExp(`\\n\\s+${key}: `));
    }
    expect(appSettings).not.toMatch(/AZURE_CLIENT_SECRET|AccountKey|FUNCTIONS_WORKER_RUNTIME/);
  });

  it("takes both secrets from Key Vault references and declares every parameter the parameters file sets", () => {
    expect(appSettings).toMatch(/NOTIFICATION_CLIENT_STATE: notificationClientStateRef/);
    expect(appSettings).toMatch(/PUPIL_INDEX_KEY: pupilIndexKeyRef/);
    expect(bicep).toMatch(/@Microsoft\.KeyVault\(SecretUri=/);
    for (const name of Object.keys(parameters.parameters)) expect(bicep, name).toMatch(new RegExp(`\\nparam ${name} `));
    expect(JSON.stringify(Object.values(parameters.parameters).map((p) => p.value))).not.toMatch(/secret|password|accountkey/i);
  });

  it("is a Flex Consumption app on Node 22 with identity-based deployment storage", () => {
    expect(bicep).toMatch(/tier: 'FlexConsumption', name: 'FC1'/);
    expect(bicep).toMatch(/runtime: \{ name: 'node', version: '22' \}/);
    expect(bicep).toMatch(/type: 'UserAssignedIdentity'\s+userAssignedIdentityResourceId: identity\.id/);
    expect(bicep).toMatch(/allowSharedKeyAccess: false/);
  });

  it("keeps storage and Key Vault off the public internet by default: network rules deny, the app reaches them through private endpoints", () => {
    expect(bicep).toMatch(/\nparam restrictNetwork bool = true\n/);
    expect(bicep).toMatch(/\nparam adminIpRanges array = \[\]\n/);
    const resource = (declaration: string) => bicep.slice(bicep.indexOf(declaration), bicep.indexOf("\n}\n", bicep.indexOf(declaration)));
    const storage = resource("resource storage ");
    const vault = resource("resource vault ");
    expect(bicep).toMatch(/defaultAction: restrictNetwork \? 'Deny' : 'Allow'/);
    expect(storage).toMatch(/networkAcls: networkAcls/);
    expect(storage).toMatch(/publicNetworkAccess: publicAccess/);
    expect(vault).toMatch(/networkAcls: \{\s+defaultAction: networkAcls\.defaultAction/);
    expect(vault).toMatch(/publicNetworkAccess: publicAccess/);
    expect(bicep).toMatch(/var publicAccess = restrictNetwork && empty\(adminIpRanges\) \? 'Disabled' : 'Enabled'/);
    // Every service the app uses has its private endpoint and DNS zone: storage's blob, queue and table, and the vault.
    for (const group of ["blob", "queue", "table", "vault"]) expect(bicep, group).toMatch(new RegExp(`\\{ name: '${group}', service: \\w+\\.id, group: '${group}', zone: 'privatelink\\.`));
    expect(bicep).toMatch(/resource privateEndpoints 'Microsoft\.Network\/privateEndpoints@[\d-]+' = \[for \(link, i\) in privateLinks: if \(restrictNetwork\)/);
    expect(bicep).toMatch(/resource privateEndpointZones 'Microsoft\.Network\/privateEndpoints\/privateDnsZoneGroups@/);
    // The app is in the virtual network (Flex Consumption's subnet delegation), with all its traffic routed through it.
    expect(bicep).toMatch(/serviceName: 'Microsoft\.App\/environments'/);
    const app = resource("resource app ");
    expect(app).toMatch(/virtualNetworkSubnetId: restrictNetwork \? '\$\{vnet\.id\}\/subnets\/app' : null/);
    expect(app).toMatch(/vnetRouteAllEnabled: restrictNetwork/);
  });
});
