import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { QueueServiceClient } from "@azure/storage-queue";
import { startTestAzurite, type TestAzurite } from "../../support/azurite";
import { startFunctionsHost, type FunctionsHostProcess } from "../../../sandbox/host/startFunctionsHost";
import { freePort } from "../../support/ports";

const appRoot = join(__dirname, "../../fixtures/host-app");
let azurite: TestAzurite;
let host: FunctionsHostProcess;
const key = { "x-functions-key": "local-function-key" };
const master = { "x-functions-key": "local-master-key" };

async function readQueue(name: string, wanted: number, timeoutMs = 15_000): Promise<string[]> {
  const q = QueueServiceClient.fromConnectionString(azurite.connectionString).getQueueClient(name);
  await q.createIfNotExists();
  const got: string[] = [];
  const deadline = Date.now() + timeoutMs;
  while (got.length < wanted && Date.now() < deadline) {
    const batch = await q.receiveMessages({ numberOfMessages: 32 });
    for (const m of batch.receivedMessageItems) {
      got.push(Buffer.from(m.messageText, "base64").toString("utf8"));
      await q.deleteMessage(m.messageId, m.popReceipt);
    }
    if (got.length < wanted) await new Promise((r) => setTimeout(r, 200));
  }
  return got;
}

beforeAll(async () => {
  azurite = await startTestAzurite();
  host = await startFunctionsHost({ appRoot, port: await freePort(), env: { AzureWebJobsStorage: azurite.connectionString, FIXTURE_OVERRIDDEN: "from the environment" }, quiet: true });
}, 60_000);
afterAll(async () => {
  await host?.stop();
  await azurite?.stop();
});

describe("the local Functions host", () => {
  it("registers what the library produces: names, binding types, routes and auth levels", async () => {
    const fns = (await (await fetch(`${host.url}/admin/functions`, { headers: master })).json()) as { name: string; bindings: Record<string, Record<string, unknown>> }[];
    expect(fns.map((f) => f.name).sort()).toEqual(["fails", "hello", "open", "tick", "work"]);
    const hello = fns.find((f) => f.name === "hello")!;
    const trigger = Object.entries(hello.bindings).find(([, b]) => b.type === "httpTrigger")!;
    expect(trigger[0]).toMatch(/^httpTrigger/);
    expect(trigger[1]).toMatchObject({ direction: "in", authLevel: "function", route: "hello/{name}/{times:int?}", methods: ["GET", "POST"] });
    expect(hello.bindings.$return).toMatchObject({ type: "http", direction: "out" });
    expect(Object.values(fns.find((f) => f.name === "work")!.bindings)).toEqual(expect.arrayContaining([expect.objectContaining({ type: "queueTrigger", queueName: "%FIXTURE_QUEUE%" }), expect.objectContaining({ type: "queue", direction: "out", queueName: "seen" })]));
  });

  it("routes with parameters, query and body, and applies settings without overriding the environment", async () => {
    const res = await fetch(`${host.url}/api/hello/Ada/3?q=x`, { method: "POST", headers: key, body: "hi" });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ name: "Ada", times: "3", q: "x", body: "hi", greeting: "from local settings", overridden: "from the environment" });
    const optional = (await (await fetch(`${host.url}/api/hello/Bo?code=local-function-key`)).json()) as { times: unknown };
    expect(optional.times).toBeNull();
  });

  it("enforces auth levels and answers 404 for an unknown route and 405 for a wrong method", async () => {
    expect((await fetch(`${host.url}/api/hello/Ada`)).status).toBe(401);
    expect((await fetch(`${host.url}/api/hello/Ada`, { headers: { "x-functions-key": "wrong" } })).status).toBe(401);
    expect((await fetch(`${host.url}/api/hello/Ada`, { headers: master })).status).toBe(200);
    expect((await fetch(`${host.url}/api/hello/Ada/notanumber`, { headers: key })).status).toBe(404);
    expect((await fetch(`${host.url}/api/open`)).status).toBe(200);
    expect((await fetch(`${host.url}/api/open`, { method: "DELETE" })).status).toBe(405);
    expect((await fetch(`${host.url}/api/nowhere`)).status).toBe(404);
  });

  it("writes an HTTP function's queue output before answering", async () => {
    expect((await fetch(`${host.url}/api/open?note=hello`)).status).toBe(200);
    const seen = await readQueue("seen", 1);
    expect(seen.map((m) => JSON.parse(m))).toEqual([{ from: "open", note: "hello" }]);
  });

  it("runs a timer on demand through the admin route (202) and writes its queue output", async () => {
    expect((await fetch(`${host.url}/admin/functions/tick`, { method: "POST", headers: master, body: JSON.stringify({ input: "" }) })).status).toBe(202);
    expect((await fetch(`${host.url}/admin/functions/tick`, { method: "POST", body: "{}" })).status).toBe(401);
    const [seen] = await readQueue("seen", 1);
    expect(JSON.parse(seen!)).toEqual({ from: "tick", isPastDue: false, hasStatus: true });
  });

  it("drains a queue named by %Setting% (base64 per host.json), with the dequeue count in the trigger metadata", async () => {
    const q = QueueServiceClient.fromConnectionString(azurite.connectionString).getQueueClient("work-items");
    await q.createIfNotExists();
    await q.sendMessage(Buffer.from(JSON.stringify({ caseRef: "LNCIP-2026-0001" })).toString("base64"));
    const seen = await readQueue("seen", 1);
    expect(seen.map((m) => JSON.parse(m))).toEqual([{ from: "work", message: { caseRef: "LNCIP-2026-0001" }, dequeueCount: 1 }]);
  });

  it("leaves a function disabled by AzureWebJobs.<name>.Disabled untriggered, and runs it on demand through the admin route", async () => {
    const disabled = await startFunctionsHost({ appRoot, port: await freePort(), env: { AzureWebJobsStorage: azurite.connectionString, FIXTURE_QUEUE: "idle-items", "AzureWebJobs.work.Disabled": "true" }, quiet: true });
    try {
      const q = QueueServiceClient.fromConnectionString(azurite.connectionString).getQueueClient("idle-items");
      await q.createIfNotExists();
      await q.sendMessage(Buffer.from(JSON.stringify({ caseRef: "LNCIP-2026-0009" })).toString("base64"));
      await new Promise((r) => setTimeout(r, 3_000));
      expect((await q.peekMessages({ numberOfMessages: 5 })).peekedMessageItems).toHaveLength(1);
      expect((await fetch(`${disabled.url}/admin/functions/work`, { method: "POST", headers: master, body: JSON.stringify({ input: JSON.stringify({ caseRef: "LNCIP-2026-0010" }) }) })).status).toBe(202);
      const seen = await readQueue("seen", 1);
      expect(seen.map((m) => JSON.parse(m))).toEqual([{ from: "work", message: { caseRef: "LNCIP-2026-0010" }, dequeueCount: 1 }]);
    } finally {
      await disabled.stop();
    }
  }, 30_000);

  it("moves a message to <queue>-poison after five failed tries", async () => {
    const q = QueueServiceClient.fromConnectionString(azurite.connectionString).getQueueClient("always-fails");
    await q.createIfNotExists();
    await q.sendMessage(Buffer.from("doomed").toString("base64"));
    const poison = QueueServiceClient.fromConnectionString(azurite.connectionString).getQueueClient("always-fails-poison");
    await poison.createIfNotExists();
    let found: string | undefined;
    for (let i = 0; i < 100 && !found; i++) {
      const peek = await poison.peekMessages();
      found = peek.peekedMessageItems[0]?.messageText;
      if (!found) await new Promise((r) => setTimeout(r, 200));
    }
    expect(found && Buffer.from(found, "base64").toString()).toBe("doomed");
    expect((await q.peekMessages()).peekedMessageItems).toHaveLength(0);
    expect(host.output()).toMatch(/try 5 of 5/);
  }, 40_000);

  it("fails to start, with the reason, when the app cannot load", async () => {
    await expect(startFunctionsHost({ appRoot: join(__dirname, "../../fixtures"), port: await freePort(), quiet: true, timeoutMs: 10_000 })).rejects.toThrow(/could not start the app: .*package\.json/);
  });
});
