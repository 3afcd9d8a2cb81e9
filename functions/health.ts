import { app, type HttpResponseInit } from "@azure/functions";
import { settings } from "../src/app/processSettings";

/** GET /api/health: answers once the app has loaded and its settings parsed. No personal data, no Graph call. */
export async function healthHandler(_request?: unknown, _context?: unknown, partnership = settings.PARTNERSHIP_CODE): Promise<HttpResponseInit> {
  return { status: 200, jsonBody: { status: "ok", app: "inclusion-flow", partnership } };
}

app.http("health", { route: "health", methods: ["GET"], authLevel: "anonymous", handler: healthHandler });
