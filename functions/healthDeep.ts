import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from "@azure/functions";
import { theApp } from "../src/app/theApp";
import { settings } from "../src/app/processSettings";
import { inInvocation } from "../src/app/log/invocationLog";
import { checkHealth, type HealthReport } from "../src/workflows/operations/healthCheck";

/**
 * GET /api/health/deep (function key): storage reachable, a Graph token obtainable, each work queue's depth and
 * its poison queue's, and each degraded part. 200 when everything is reachable (status "attention" if a poison queue holds
 * messages: docs/operations.md, "When the poison queue is not empty"; "degraded" naming each part working in a lesser
 * way, docs/operations.md, "Degraded parts"), 503 when a dependency is down. Counts and parts only, no personal data.
 */
export async function healthDeepHandler(_request: HttpRequest, context: InvocationContext, check = (): Promise<HealthReport> => checkHealth(theApp().ports.health), partnership = settings.PARTNERSHIP_CODE): Promise<HttpResponseInit> {
  return inInvocation(context, async (log) => {
    const report = await check();
    if (report.status !== "ok") log.warn(`Health: ${report.status}`, { outcome: report.status });
    return { status: report.status === "failing" ? 503 : 200, jsonBody: { app: "inclusion-flow", partnership, ...report } };
  });
}

app.http("healthDeep", { route: "health/deep", methods: ["GET"], authLevel: "function", handler: healthDeepHandler });
