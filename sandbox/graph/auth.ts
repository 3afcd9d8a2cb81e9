import { createHmac, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { verifyClientAssertion } from "./clientAssertion";

/** An app registration the sandbox knows: client credentials and the application roles it was granted. */
export interface AppRegistration {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  displayName: string;
  roles: string[];
  /** A certificate credential (PEM): the app may sign a client assertion with its private key instead of a secret. */
  certificatePem?: string;
}

export const defaultApp: AppRegistration = {
  tenantId: "6f1c2b0e-5a4d-4c55-9a57-000000000001",
  clientId: "3b9d8f5e-7c21-4e0a-8f3b-000000000002",
  clientSecret: "sandbox-secret-not-for-production",
  displayName: "Inclusion Flow (sandbox)",
  roles: ["Sites.Selected", "Sites.ReadWrite.All", "Sites.Manage.All", "Mail.Send", "Calendars.ReadWrite"],
};

export const GRAPH_RESOURCE = "https://graph.microsoft.com";

export interface TokenClaims {
  aud: string;
  iss: string;
  tid: string;
  appid: string;
  app_displayname: string;
  roles: string[];
  /** How the app authenticated, as Entra's v1 tokens say: "1" a client secret, "2" a certificate. */
  appidacr: "1" | "2";
  iat: number;
  nbf: number;
  exp: number;
  oid: string;
}

/**
 * Issues and checks access tokens shaped like Entra ID's (a JWT with aud, tid, appid, roles, exp), signed with
 * a key that lives as long as the sandbox. Enough for the app's real credential and client to work unchanged.
 */
export class TokenAuthority {
  private readonly key = randomBytes(32);
  /**
   * @param resources what a token may be for (`{resource}/.default`): Microsoft Graph, and the sandbox's own origin,
   * which plays the tenant's SharePoint host (`https://contoso.sharepoint.com`) for SharePoint's REST API.
   */
  constructor(private readonly apps: readonly AppRegistration[], private readonly now: () => Date, private readonly resources: readonly string[] = [GRAPH_RESOURCE]) {}

  /**
   * OAuth 2.0 client-credentials grant, as `POST /{tenant}/oauth2/v2.0/token` does it: with the app's secret
   * (`client_secret`) or a client assertion signed with its certificate (`client_assertion`, RFC 7523).
   */
  issue(tenant: string, form: URLSearchParams, issuer: string, tokenEndpoint = ""):
    | { ok: true; body: Record<string, unknown> }
    | { ok: false; status: number; body: Record<string, unknown> } {
    const error = (status: number, code: string, aadsts: string, description: string) => ({
      ok: false as const,
      status,
      body: {
        error: code,
        error_description: `${aadsts}: ${description} Trace ID: ${randomUUID()} Correlation ID: ${randomUUID()} Timestamp: ${this.now().toISOString()}`,
        error_codes: [Number(aadsts.slice(6))],
        timestamp: this.now().toISOString(),
        trace_id: randomUUID(),
        correlation_id: randomUUID(),
      },
    });
    if (form.get("grant_type") !== "client_credentials") return error(400, "unsupported_grant_type", "AADSTS70003", "The app requested an unsupported grant type.");
    const app = this.apps.find((a) => a.clientId === form.get("client_id"));
    if (!app) return error(400, "unauthorized_client", "AADSTS700016", `Application with identifier '${form.get("client_id")}' was not found in the directory.`);
    if (app.tenantId !== tenant && tenant !== "organizations") return error(400, "invalid_request", "AADSTS90002", `Tenant '${tenant}' not found.`);
    let appidacr: "1" | "2" = "1";
    const assertion = form.get("client_assertion");
    if (assertion !== null) {
      if (form.get("client_assertion_type") !== "urn:ietf:params:oauth:client-assertion-type:jwt-bearer") return error(400, "invalid_request", "AADSTS50027", "Invalid JWT token. The client assertion type is not supported.");
      const checked = verifyClientAssertion(assertion, { clientId: app.clientId, certificatePem: app.certificatePem, audience: tokenEndpoint, now: this.now() });
      if (!checked.ok) return error(401, "invalid_client", checked.aadsts, checked.message);
      appidacr = "2";
    } else if (!sameText(form.get("client_secret") ?? "", app.clientSecret)) {
      return error(401, "invalid_client", "AADSTS7000215", "Invalid client secret provided.");
    }
    const scope = (form.get("scope") ?? "").split(" ").find((s) => s.endsWith("/.default"));
    if (!scope) {
      return error(400, "invalid_scope", "AADSTS1002012", "The provided value for scope is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier.");
    }
    const resource = scope.slice(0, -"/.default".length).replace(/\/+$/, "");
    if (!this.resources.includes(resource)) return error(400, "invalid_resource", "AADSTS500011", `The resource principal named ${resource} was not found in the tenant named ${tenant}.`);
    const iat = Math.floor(this.now().getTime() / 1000);
    const claims: TokenClaims = {
      aud: resource,
      iss: issuer,
      tid: app.tenantId,
      appid: app.clientId,
      app_displayname: app.displayName,
      roles: app.roles,
      appidacr,
      iat,
      nbf: iat,
      exp: iat + 3599,
      oid: randomUUID(),
    };
    return { ok: true, body: { token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599, access_token: this.sign(claims) } };
  }

  /** The claims of a valid, unexpired token for `audience` (Graph unless said), or why it is not one. */
  verify(authorization: string | undefined, audience = GRAPH_RESOURCE): { ok: true; claims: TokenClaims } | { ok: false; message: string } {
    if (!authorization) return { ok: false, message: "Access token is empty." };
    const m = /^Bearer (.+)$/i.exec(authorization);
    if (!m) return { ok: false, message: "Access token is empty." };
    const [header, payload, signature] = (m[1] as string).split(".");
    if (!header || !payload || !signature) return { ok: false, message: "IDX14100: JWT is not well formed, there are no dots (.)." };
    const expected = this.mac(`${header}.${payload}`);
    if (!sameText(signature, expected)) return { ok: false, message: "Access token validation failure. Invalid audience or signature." };
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as TokenClaims;
    if (claims.aud !== audience) return { ok: false, message: "Access token validation failure. Invalid audience." };
    if (claims.exp * 1000 <= this.now().getTime()) return { ok: false, message: "Lifetime validation failed, the token is expired." };
    return { ok: true, claims };
  }

  private sign(claims: TokenClaims): string {
    const header = Buffer.from(JSON.stringify({ typ: "JWT", alg: "HS256", kid: "sandbox" })).toString("base64url");
    const payload = Buffer.from(JSON.stringify(claims)).toString("base64url");
    return `${header}.${payload}.${this.mac(`${header}.${payload}`)}`;
  }

  private mac(data: string): string {
    return createHmac("sha256", this.key).update(data).digest("base64url");
  }
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** What MSAL asks for before it asks for a token (instance discovery is off for a non-public authority). */
export function openIdConfiguration(authorityHost: string, tenant: string): Record<string, unknown> {
  const base = `${authorityHost}/${tenant}`;
  return {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
    jwks_uri: `${authorityHost}/${tenant}/discovery/v2.0/keys`,
    response_modes_supported: ["query", "fragment", "form_post"],
    subject_types_supported: ["pairwise"],
    id_token_signing_alg_values_supported: ["RS256"],
    response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
    scopes_supported: ["openid", "profile", "email", "offline_access"],
    issuer: `${authorityHost}/${tenant}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${authorityHost}/oidc/userinfo`,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    claims_supported: ["sub", "iss", "aud", "exp", "iat", "tid"],
    kerberos_endpoint: `${base}/kerberos`,
    tenant_region_scope: "EU",
    cloud_instance_name: "sandbox.local",
    cloud_graph_host_name: "graph.sandbox.local",
    msgraph_host: "graph.sandbox.local",
    rbac_url: "https://pas.windows.net",
  };
}
