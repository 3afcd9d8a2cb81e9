import { app } from "@azure/functions";
import { settings } from "../src/app/settings";
import { healthPorts } from "../src/app/operations";
import { checkHealth } from "../src/workflows/operations/healthCheck";
import { structuredLog } from "../src/app/log/structuredLog";

/**
 * GET /api/health/deep (function key): storage reachable, a Graph token obtainable, each work queue's depth and
 * its poison queue's. 200 when everything is reachable (status "attention" if a poison queue holds messages:
 * docs/operations.md, "When the poison queue is not empty"), 503 when a dependency is down. Counts only, no personal data.
 */
app.http("healthDeep", {
  route: "health/deep",
  methods: ["GET"],
  authLevel: "function",
  handler: async (_request, context) => {
    const report = await checkHealth(healthPorts(settings));
    if (report.status !== "ok") structuredLog(context).warn(`Health: ${report.status}`, { outcome: report.status });
    return { status: report.status === "failing" ? 503 : 200, jsonBody: { app: "inclusion-flow", partnership: settings.PARTNERSHIP_CODE, ...report } };
  },
});
