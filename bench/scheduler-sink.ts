// The SMTP sink of `npm run bench:scheduler`, run in a child process of its own (forked by
// bench/scheduler.ts) so that receiving mail does not take CPU from the load generator's event
// loop. A real SMTP server (the npm smtp-server, as in the tests) that parses nothing but what
// it must: it counts DATA streams and their bytes, reads the Message-ID from the header block
// (to catch a message received twice) and counts messages per recipient. Messages are never
// decoded (mailparser would make the sink the bottleneck).
//
// smtp-server waits 100 ms before greeting each new connection (to catch clients that talk too
// soon), so only pooled clients reach a useful rate against it.
//
// IPC with the parent: it sends {type: "ready", port}; it answers {type: "reset"} with
// {type: "reset"} (counters back to zero), {type: "stats"} with the counters,
// {type: "recipients"} with the per-recipient counts, and {type: "captured"} with the raw text
// of the messages received since {type: "capture", count} asked to keep the next `count`. Every time is a wall clock in ms
// (performance.timeOrigin + performance.now()), comparable across processes.
import fs from "node:fs";
import { SMTPServer } from "smtp-server";

export type SinkStats = {
  type: "stats";
  count: number;
  bytes: number;
  /** Messages whose Message-ID had already been received since the last reset. */
  duplicates: number;
  /** Messages with no Message-ID in their header block. */
  withoutId: number;
  firstAt: number | null;
  lastAt: number | null;
  /** Connections accepted since the last reset. */
  connections: number;
  /** CPU time of this process (user + system), ms, since it started. */
  cpuMs: number;
  /** Peak resident set size of this process (VmHWM), MB. */
  peakRssMb: number;
};
export type SinkRecipients = { type: "recipients"; counts: Record<string, number> };
export type SinkCaptured = { type: "captured"; messages: string[] };
export type SinkMessage =
  { type: "ready"; port: number } | { type: "reset" } | { type: "capture" } | SinkStats | SinkRecipients | SinkCaptured;

const clock = () => performance.timeOrigin + performance.now();
/** Enough of a message's start to hold its header block. */
const HEADER_LIMIT = 16 * 1024;

let count = 0;
let bytes = 0;
let duplicates = 0;
let withoutId = 0;
let firstAt: number | null = null;
let lastAt: number | null = null;
let connections = 0;
let seen = new Set<string>();
let recipients = new Map<string, number>();
/** Messages still to keep whole, and those kept. */
let captureLeft = 0;
let captured: string[] = [];

function peakRssMb(): number {
  const status = fs.readFileSync("/proc/self/status", "utf8");
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
}

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS", "AUTH"],
  disableReverseLookup: true,
  logger: false,
  // Both clients keep their connections for the whole run; never close them for idling.
  socketTimeout: 10 * 60_000,
  onConnect(_session, callback) {
    connections++;
    callback();
  },
  onData(stream, session, callback) {
    let head = "";
    let size = 0;
    const whole: Buffer[] | null = captureLeft > 0 ? [] : null;
    if (whole) captureLeft--;
    stream.on("data", (chunk: Buffer) => {
      size += chunk.length;
      whole?.push(chunk);
      if (head.length < HEADER_LIMIT && !head.includes("\r\n\r\n")) head += chunk.toString("latin1", 0, HEADER_LIMIT);
    });
    stream.on("end", () => {
      const id = /^Message-ID:\s*(<[^>\r\n]+>)/im.exec(head.split("\r\n\r\n", 1)[0]!)?.[1];
      if (!id) withoutId++;
      else if (seen.has(id)) duplicates++;
      else seen.add(id);
      for (const rcpt of session.envelope.rcptTo) {
        recipients.set(rcpt.address, (recipients.get(rcpt.address) ?? 0) + 1);
      }
      if (whole) captured.push(Buffer.concat(whole).toString("utf8"));
      count++;
      bytes += size;
      const now = clock();
      firstAt ??= now;
      lastAt = now;
      callback();
    });
  },
});

process.on("message", (message: { type: string; count?: number }) => {
  if (message.type === "capture") {
    captureLeft = message.count ?? 0;
    captured = [];
    process.send!({ type: "capture" } satisfies SinkMessage);
  } else if (message.type === "captured") {
    process.send!({ type: "captured", messages: captured } satisfies SinkMessage);
  } else if (message.type === "reset") {
    count = bytes = duplicates = withoutId = connections = 0;
    firstAt = lastAt = null;
    seen = new Set();
    recipients = new Map();
    process.send!({ type: "reset" } satisfies SinkMessage);
  } else if (message.type === "stats") {
    const cpu = process.cpuUsage();
    process.send!({
      type: "stats",
      count,
      bytes,
      duplicates,
      withoutId,
      firstAt,
      lastAt,
      connections,
      cpuMs: (cpu.user + cpu.system) / 1000,
      peakRssMb: peakRssMb(),
    } satisfies SinkMessage);
  } else if (message.type === "recipients") {
    process.send!({ type: "recipients", counts: Object.fromEntries(recipients) } satisfies SinkMessage);
  }
});
// The parent gone (killed, crashed): stop too.
process.on("disconnect", () => process.exit(0));

server.listen(0, "127.0.0.1", () => {
  const address = server.server.address();
  process.send!({
    type: "ready",
    port: typeof address === "object" && address ? address.port : 0,
  } satisfies SinkMessage);
});
