import { Client } from "@microsoft/microsoft-graph-client";
import { TokenCredentialAuthenticationProvider } from "@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials";
import { ClientSecretCredential, ManagedIdentityCredential, type TokenCredential } from "@azure/identity";

export interface GraphConnectionSettings {
  GRAPH_BASE_URL: string;
  AZURE_AUTHORITY_HOST: string;
  AZURE_TENANT_ID: string;
  AZURE_CLIENT_ID: string;
  AZURE_CLIENT_SECRET?: string | undefined;
}

const PUBLIC_AUTHORITY = "https://login.microsoftonline.com";
const PUBLIC_GRAPH_HOST = "graph.microsoft.com";

/**
 * The credential the app uses: a client secret where one is configured (local development, the sandbox), else
 * the user-assigned managed identity named by AZURE_CLIENT_ID (Azure). Nothing else in the app knows which.
 *
 * @example
 * graphCredential({ ...settings, AZURE_CLIENT_SECRET: undefined }) // ManagedIdentityCredential
 */
export function graphCredential(settings: GraphConnectionSettings): TokenCredential {
  if (settings.AZURE_CLIENT_SECRET) {
    const authorityHost = settings.AZURE_AUTHORITY_HOST.replace(/\/+$/, "");
    return new ClientSecretCredential(settings.AZURE_TENANT_ID, settings.AZURE_CLIENT_ID, settings.AZURE_CLIENT_SECRET, {
      authorityHost,
      // Instance discovery asks Microsoft's public cloud about the authority; a sovereign or local authority
      // (the sandbox) is not known there.
      disableInstanceDiscovery: authorityHost !== PUBLIC_AUTHORITY,
    });
  }
  return new ManagedIdentityCredential({ clientId: settings.AZURE_CLIENT_ID });
}

/**
 * The Microsoft Graph client, built once per process with Microsoft's default middleware (auth, retry with
 * Retry-After for 429/503/504, redirect). Pointing GRAPH_BASE_URL elsewhere (the sandbox) changes only the
 * host: the client attaches tokens only to https URLs on Graph's hosts or on `customHosts`, so a non-Microsoft
 * host is added there.
 *
 * @example
 * const graph = graphClient(settings);
 * await graph.api("/sites/contoso.sharepoint.com:/sites/lncip").get();
 */
export function graphClient(settings: GraphConnectionSettings, credential = graphCredential(settings)): Client {
  const base = new URL(settings.GRAPH_BASE_URL);
  const version = base.pathname.replace(/^\/+|\/+$/g, "") || "v1.0";
  const customHosts = base.hostname === PUBLIC_GRAPH_HOST ? undefined : new Set([base.hostname]);
  return Client.initWithMiddleware({
    authProvider: new TokenCredentialAuthenticationProvider(credential, {
      scopes: [`https://${PUBLIC_GRAPH_HOST}/.default`],
    }),
    baseUrl: `${base.protocol}//${base.host}/`,
    defaultVersion: version,
    ...(customHosts ? { customHosts } : {}),
  });
}
