import { app } from "@azure/functions";
import { settings } from "../src/app/settings";

/** GET /api/health: answers once the app has loaded and its settings parsed. No personal data, no Graph call. */
app.http("health", {
  route: "health",
  methods: ["GET"],
  authLevel: "anonymous",
  handler: async () => ({
    status: 200,
    jsonBody: { status: "ok", app: "inclusion-flow", partnership: settings.PARTNERSHIP_CODE },
  }),
});
