import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { QueueClient } from "@azure/storage-queue";
import { repoRoot, startLocalSystem, type LocalSystem } from "../../sandbox/localSystem";

/**
 * Operations against the running system: the deeper health check (behind the function key) and replaying a
 * poison queue with `npm run replay-poison` (the compiled CLI, on Azurite).
 */
let system: LocalSystem;
let work: string;
const key = { "x-functions-key": "local-function-key" };

function replay(...args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(repoRoot, "dist", "scripts", "replay-poison.js"), ...args], { cwd: work, env: { PATH: process.env.PATH ?? "", AzureWebJobsStorage: system.azurite.connectionString } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, out: `${stdout}${stderr}` }),
    );
  });
}
const queue = (name: string) => new QueueClient(system.azurite.connectionString, name);
async function texts(name: string): Promise<string[]> {
  const q = queue(name);
  if (!(await q.exists())) return [];
  return (await q.peekMessages({ numberOfMessages: 32 })).peekedMessageItems.map((m) => m.messageText);
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "ops-"));
  system = await startLocalSystem();
}, 90_000);
afterAll(async () => {
  await system?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe("GET /api/health/deep", () => {
  it("needs the function key", async () => {
    expect((await fetch(`${system.appUrl}/api/health/deep`)).status).toBe(401);
  });

  it("reports storage and the Graph token reachable and every queue's depth, with no personal data", async () => {
    const res = await fetch(`${system.appUrl}/api/health/deep`, { headers: key });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; checks: Record<string, { ok: boolean }>; queues: Record<string, { depth: number; poison: number }> };
    expect(body.status).toBe("ok");
    expect(body.checks.storage?.ok).toBe(true);
    expect(body.checks.graphToken?.ok).toBe(true);
    expect(Object.keys(body.queues).sort()).toEqual(["case-effects", "case-intake", "list-changes"]);
  });

  it("says 'attention' while a poison queue holds messages", async () => {
    const poison = queue("list-changes-poison");
    await poison.createIfNotExists();
    await poison.sendMessage(JSON.stringify({ subscriptionId: "unknown-subscription", receivedAt: new Date().toISOString() }));
    const body = (await (await fetch(`${system.appUrl}/api/health/deep`, { headers: key })).json()) as { status: string; queues: Record<string, { poison: number }> };
    expect(body.status).toBe("attention");
    expect(body.queues["list-changes"]?.poison).toBe(1);
    await poison.clearMessages();
  });
});

describe("npm run replay-poison", () => {
  it("moves every parked message back to its queue unchanged, and a second run moves nothing", async () => {
    // A queue the app does not drain, so the moved messages stay to be counted.
    const parked = ['{"responseId":"parked-1"}', '{"responseId":"parked-2"}', '{"responseId":"parked-3"}'];
    const poison = queue("replay-test-poison");
    await poison.createIfNotExists();
    for (const m of parked) await poison.sendMessage(m);

    const first = await replay("--queue", "replay-test");
    expect(first.out).toContain("Moved 3 message(s) from replay-test-poison back to replay-test");
    expect(first.code).toBe(0);
    expect((await texts("replay-test")).sort()).toEqual(parked);
    expect(await texts("replay-test-poison")).toEqual([]);

    const second = await replay("--queue", "replay-test");
    expect(second.out).toContain("Moved 0 message(s)");
    expect(await texts("replay-test")).toHaveLength(3);
  });

  it("refuses a poison queue's own name and a missing --queue", async () => {
    expect((await replay("--queue", "case-intake-poison")).code).toBe(2);
    expect((await replay()).code).toBe(2);
  });

  it("a replayed case-intake message is processed once: the case is written, not doubled", async () => {
    const body = readFileSync(join(repoRoot, "sandbox", "demo", "referral.json"), "utf8");
    const res = await fetch(`${system.appUrl}/api/forms/referral`, { method: "POST", headers: { ...key, "content-type": "application/json" }, body });
    const { caseRef } = (await res.json()) as { caseRef: string };
    const posts = () => system.graph.requests.filter((r) => r.method === "POST" && /\/items$/.test(r.path) && JSON.stringify(r.requestBody).includes(caseRef));
    for (let i = 0; i < 200 && posts().length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(posts()).toHaveLength(1);
    // The same message parked and replayed (as if its first try had failed after writing).
    const responseId = JSON.parse(body).responseId as string;
    await queue("case-intake-poison").createIfNotExists();
    await queue("case-intake-poison").sendMessage(JSON.stringify({ responseId }));
    expect((await replay("--queue", "case-intake")).out).toContain("Moved 1 message(s)");
    for (let i = 0; i < 50 && !system.host.output().includes(`Response ${responseId}: alreadyDone`); i++) await new Promise((r) => setTimeout(r, 100));
    expect(posts()).toHaveLength(1);
    // The logs are JSON lines with the invocation and the case reference as correlation ids.
    const line = system.host.output().split("\n").find((l) => l.includes(`"caseRef":"${caseRef}"`));
    expect(line).toBeDefined();
    expect(JSON.parse(line!.slice(line!.indexOf("{")))).toMatchObject({ function: "referralIntake", invocationId: expect.any(String), caseRef });
  });
});
