import { ClientCertificateCredential, ManagedIdentityCredential, type TokenCredential } from "@azure/identity";

/**
 * SharePoint's own REST API (`{site}/_api/...`) for what Microsoft Graph does not offer: list views and column
 * formatting. Facts it is built on (Microsoft's documentation):
 * - a token for the SharePoint host (`https://{tenant}.sharepoint.com/.default`), not Graph's; an app-only token
 *   obtained with a client secret is refused ("Unsupported app only token."): use a certificate or a managed identity;
 * - JSON with `Accept: application/json;odata=nometadata`; writes are POST; updates are POST with
 *   `X-HTTP-Method: MERGE` and `IF-MATCH: *` (204 No Content); a verbose body names `__metadata.type`;
 *   with OAuth no form digest (`X-RequestDigest`) is needed;
 * - throttling answers 429 or 503 with Retry-After, to be honoured.
 *
 * @example
 * const rest = sharePointRest("https://contoso.sharepoint.com/sites/lncip", credential);
 * await rest.get("/_api/web/lists/GetByTitle('Cases')/views?$expand=ViewFields");
 */
export interface SharePointRest {
  readonly webUrl: string;
  get<T>(path: string): Promise<T>;
  /** POST; `body` JSON (`odata=verbose` when it names `__metadata`), `headers` added (e.g. X-HTTP-Method). */
  post<T>(path: string, body?: Record<string, unknown>, headers?: Record<string, string>): Promise<T | undefined>;
}

/** A refusal from SharePoint's REST API, with its status and SharePoint's own code and words. */
export class SharePointRestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "SharePointRestError";
  }
}

const MAX_TRIES = 4;

export function sharePointRest(webUrl: string, credential: TokenCredential, options: { fetch?: typeof fetch; sleep?: (ms: number) => Promise<void> } = {}): SharePointRest {
  const doFetch = options.fetch ?? fetch;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const base = webUrl.replace(/\/+$/, "");
  const scope = `${new URL(base).origin}/.default`;

  async function call<T>(method: "GET" | "POST", path: string, body: Record<string, unknown> | undefined, extra: Record<string, string>): Promise<T | undefined> {
    for (let attempt = 1; ; attempt++) {
      const token = await credential.getToken(scope);
      if (!token) throw new SharePointRestError(401, "noToken", `No token for ${scope}`);
      const headers: Record<string, string> = { authorization: `Bearer ${token.token}`, accept: "application/json;odata=nometadata", ...extra };
      if (body) headers["content-type"] = "__metadata" in body ? "application/json;odata=verbose" : "application/json;odata=nometadata";
      const res = await doFetch(`${base}${path}`, { method, headers, ...(body ? { body: JSON.stringify(body) } : {}) });
      if ((res.status === 429 || res.status === 503) && attempt < MAX_TRIES) {
        await sleep(Math.min(Number(res.headers.get("retry-after") ?? "1") || 1, 60) * 1000);
        continue;
      }
      const text = await res.text();
      if (!res.ok) throw refusal(res.status, text);
      if (res.status === 204 || !text) return undefined;
      return JSON.parse(text) as T;
    }
  }

  return {
    webUrl: base,
    get: async <T>(path: string) => (await call<T>("GET", path, undefined, {})) as T,
    post: (path, body, headers = {}) => call("POST", path, body, headers),
  };
}

function refusal(status: number, text: string): SharePointRestError {
  let parsed: { "odata.error"?: { code?: string; message?: { value?: string } }; error?: { code?: string; message?: { value?: string } }; error_description?: string } = {};
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    // not JSON: keep the text
  }
  const e = parsed["odata.error"] ?? parsed.error;
  const message = e?.message?.value ?? parsed.error_description ?? (text.slice(0, 300) || `HTTP ${status}`);
  const hint = /Unsupported app only token/i.test(message)
    ? " SharePoint's REST API refuses app-only tokens obtained with a client secret: give the app a certificate (AZURE_CLIENT_CERTIFICATE_PATH) or run as the managed identity."
    : "";
  return new SharePointRestError(status, e?.code ?? String(status), `${message}${hint}`);
}

/** An OData string literal: quotes doubled, as `GetByTitle('O''Neil')` wants (the app's one `odataString`). */
export { odataString } from "../odata";

export interface SharePointCredentialSettings {
  AZURE_AUTHORITY_HOST: string;
  AZURE_TENANT_ID: string;
  AZURE_CLIENT_ID: string;
  /** PEM with the certificate and its private key. */
  AZURE_CLIENT_CERTIFICATE_PATH?: string | undefined;
}

/**
 * The credential for SharePoint's REST API: a certificate where one is configured (a provisioning app, the
 * sandbox), else the managed identity (Azure). Not a client secret: SharePoint refuses those tokens for app-only
 * calls. `undefined` when neither is available here (a client secret alone).
 *
 * @example
 * sharePointCredential({ ...settings, AZURE_CLIENT_CERTIFICATE_PATH: "sandbox/tls/app-credential.pem" }) // ClientCertificateCredential
 */
export function sharePointCredential(settings: SharePointCredentialSettings, options: { managedIdentity: boolean }): TokenCredential | undefined {
  if (settings.AZURE_CLIENT_CERTIFICATE_PATH) {
    const authorityHost = settings.AZURE_AUTHORITY_HOST.replace(/\/+$/, "");
    return new ClientCertificateCredential(settings.AZURE_TENANT_ID, settings.AZURE_CLIENT_ID, { certificatePath: settings.AZURE_CLIENT_CERTIFICATE_PATH }, {
      authorityHost,
      disableInstanceDiscovery: authorityHost !== "https://login.microsoftonline.com",
    });
  }
  return options.managedIdentity ? new ManagedIdentityCredential({ clientId: settings.AZURE_CLIENT_ID }) : undefined;
}
