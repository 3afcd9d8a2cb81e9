import { randomBytes } from "node:crypto";
import { request } from "node:http";
import type { Socket } from "node:net";
import { startPlayground, type PlaygroundProcess } from "./playground";
import { freePort } from "./processes";

/**
 * Drives the Microsoft 365 Agents Playground from a test: its config, its message and invoke APIs (as any mock
 * user), and its WebSocket stream of what the bot posts and updates.
 */
export interface PlaygroundConfig {
  tenantId: string;
  bot: { id: string; name: string };
  currentUser: { id: string; aadObjectId: string };
  users: { id: string; aadObjectId: string }[];
  personalChat: { id: string };
  teams: { id: string; name: string; channels: { id: string; name: string }[] }[];
}

export interface TestPlayground {
  process: PlaygroundProcess;
  url: string;
  config(): Promise<PlaygroundConfig>;
  /** Every JSON message the WebSocket stream has carried so far. */
  events: unknown[];
  /** When each of `events` arrived (epoch ms, same index): what a person watching the channel would see. */
  eventTimes: number[];
  /**
   * Types "@bot use this channel for Core Group" (or Inclusion Forum) into a channel of the Playground's team, as a
   * coordinator does, and waits for the bot's "Done".
   */
  chooseChannel(panel: "Core Group" | "Inclusion Forum", channelName?: string): Promise<{ id: string; name: string }>;
  /** A message typed by the current user (user-id-0) into a conversation. */
  say(conversationId: string, text: string, mentionBot?: boolean): Promise<Response>;
  /** Presses an `Action.Execute` button on the card in message `replyToId`, as `fromId`. */
  press(options: { conversationId: string; replyToId: string; fromId: string; verb: string; data?: Record<string, unknown> }): Promise<{ status: number; body: unknown }>;
  until<T>(what: () => T | undefined | false, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
}

export async function startTestPlayground(botEndpoint: string): Promise<TestPlayground> {
  const process = await startPlayground({ port: await freePort(), botEndpoint, quiet: !globalThis.process.env.SHOW_HOST_OUTPUT });
  return drivePlayground(process);
}

/**
 * Drives a Playground already running (its stream, its APIs); `stop()` stops it too.
 *
 * @example
 * const pg = await drivePlayground(await startPlayground({ port: 56150, botEndpoint }));
 * await pg.chooseChannel("Core Group");
 */
export async function drivePlayground(process: PlaygroundProcess): Promise<TestPlayground> {
  const events: unknown[] = [];
  const eventTimes: number[] = [];
  let socket: Socket | undefined;
  try {
    socket = await openStream(`${process.url}/_ws_conversation/v1/conversations/stream`, (text) => {
      eventTimes.push(Date.now());
      try {
        events.push(JSON.parse(text));
      } catch {
        events.push(text);
      }
    });
  } catch (e) {
    await process.stop();
    throw e;
  }
  let cachedConfig: PlaygroundConfig | undefined;
  const pg: TestPlayground = {
    process,
    url: process.url,
    events,
    eventTimes,
    async chooseChannel(panel, channelName = "General") {
      const channel = (await pg.config()).teams[0]?.channels.find((c) => c.name === channelName);
      if (!channel) throw new Error(`The Playground's team has no channel named ${channelName}`);
      const before = events.length;
      const res = await pg.say(channel.id, `use this channel for ${panel}`, true);
      if (res.status !== 200) throw new Error(`The Playground answered ${res.status} to "use this channel for ${panel}"`);
      await pg.until(() => events.slice(before).some((e) => JSON.stringify(e).includes(`Done: ${panel}`)), 30_000);
      return channel;
    },
    async config() {
      cachedConfig ??= ((await (await fetch(`${process.url}/_internal/v1/config`)).json()) as { config: PlaygroundConfig }).config;
      return cachedConfig;
    },
    async say(conversationId, text, mentionBot = false) {
      const config = await pg.config();
      const body: Record<string, unknown> = { from: { id: config.currentUser.id }, text: mentionBot ? `<at>${config.bot.name}</at> ${text}` : text, textFormat: "plain" };
      if (mentionBot) body.mentions = [{ mentioned: { id: config.bot.id }, text: `<at>${config.bot.name}</at>` }];
      return fetch(`${process.url}/_conversation/v1/conversations/${encodeURIComponent(conversationId)}/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    },
    async press({ conversationId, replyToId, fromId, verb, data = {} }) {
      const res = await fetch(`${process.url}/_conversation/v1/invoke`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "adaptiveCard/action", from: { id: fromId }, conversation: { id: conversationId }, replyToId, value: { action: { type: "Action.Execute", verb, data }, trigger: "manual" } }),
      });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      return { status: res.status, body };
    },
    async until(what, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const v = what();
        if (v !== undefined && v !== false) return v as never;
        if (Date.now() > deadline) throw new Error(`Timed out waiting on the Playground.\nEvents: ${JSON.stringify(events).slice(-3000)}\nOutput: ${process.output().slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop() {
      socket?.destroy();
      await process.stop();
    },
  };
  return pg;
}

/** A receive-only WebSocket client (Node 20 has no global WebSocket): text frames to `onText`. */
function openStream(url: string, onText: (text: string) => void): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { Connection: "Upgrade", Upgrade: "websocket", "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": randomBytes(16).toString("base64") } });
    req.once("error", reject);
    req.once("response", (res) => reject(new Error(`The Playground refused the WebSocket: HTTP ${res.statusCode}`)));
    req.once("upgrade", (_res, socket, head) => {
      let buffer: Buffer = Buffer.from(head);
      let fragments: Buffer[] = [];
      socket.on("data", (chunk: Buffer) => {
        buffer = Buffer.concat([buffer, chunk]);
        for (;;) {
          if (buffer.length < 2) return;
          const b0 = buffer[0] as number;
          const b1 = buffer[1] as number;
          let length = b1 & 0x7f;
          let offset = 2;
          if (length === 126) {
            if (buffer.length < 4) return;
            length = buffer.readUInt16BE(2);
            offset = 4;
          } else if (length === 127) {
            if (buffer.length < 10) return;
            length = Number(buffer.readBigUInt64BE(2));
            offset = 10;
          }
          if (b1 & 0x80) offset += 4; // servers do not mask, but be safe
          if (buffer.length < offset + length) return;
          const payload = buffer.subarray(offset, offset + length);
          buffer = buffer.subarray(offset + length);
          const opcode = b0 & 0x0f;
          if (opcode === 0x1 || opcode === 0x0) {
            fragments.push(Buffer.from(payload));
            if (b0 & 0x80) {
              onText(Buffer.concat(fragments).toString("utf8"));
              fragments = [];
            }
          } else if (opcode === 0x8) {
            socket.destroy();
            return;
          }
        }
      });
      socket.on("error", () => undefined);
      resolve(socket);
    });
    req.end();
  });
}
